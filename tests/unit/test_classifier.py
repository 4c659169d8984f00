"""The intent model on tricky mail, in both languages. Labels are the shared enum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailbot.classify.corpus import load_examples
from mailbot.classify.labels import LABELS, RISKY, Intent
from mailbot.classify.model import ABBREVIATION, PATTERNS, Classifier, folded, prepare
from mailbot.classify.rules import Rules, gate, gates
from tests.conftest import ROOT
from tests.support import corpus

HELDOUT = ROOT / "intents" / "heldout"


def classify(classifier: Classifier, subject: str, body: str):
    return classifier.classify(*prepare(subject, body))


def test_model_labels_are_the_enum(classifier: Classifier) -> None:
    component = classifier.nlp.get_pipe("textcat_multilabel")
    assert set(component.labels) == set(LABELS)


@pytest.mark.parametrize(("subject", "body", "intent"), [
    ("", "Please delete my account and all the personal data you hold about me.", "delete"),
    ("", "Merci de supprimer mon compte ainsi que toutes mes données personnelles.", "delete"),
    ("Unsubscribe", "Take me off your mailing list please", "unsubscribe"),
    ("STOP", "", "unsubscribe"),
    ("", "Désinscrivez-moi de votre newsletter svp", "unsubscribe"),
    ("Subject access request", "Under Article 15 GDPR, please send me a copy of my personal data.", "access"),
    ("", "Je souhaite exercer mon droit d'accès et obtenir la copie de mes données (article 15 du RGPD).", "access"),
    ("", "Please send my data in a machine-readable format so I can move it to another provider.", "portability"),
    ("", "Mon adresse a changé, merci de mettre à jour mon profil : 12 rue des Manguiers, Dakar.", "rectify"),
    ("", "I object to the use of my location data for targeted advertising and profiling.", "object"),
    ("", "Je conteste l'exactitude de mes données : merci d'en limiter le traitement le temps de vérifier.", "restrict"),
    ("HELP", "My account was hacked, someone made transfers I did not make!", "security"),
    ("", "Mon compte a été piraté, il y a des retraits que je n'ai pas faits", "security"),
])
def test_clear_requests(classifier: Classifier, subject: str, body: str, intent: str) -> None:
    assert classify(classifier, subject, body).intent.value == intent


@pytest.mark.parametrize(("subject", "body"), [
    ("Duplicate payment", "Hi, please delete the duplicate payment of 5000 XOF from yesterday."),
    ("Old card", "How do I remove my old card from the app?"),
    ("", "I can't access the app since the update, it crashes at login."),
    ("", "Je n'arrive pas à accéder à mon compte depuis la mise à jour."),
    ("", "Unsubscribe from SMS alerts? How do I do that in the settings?"),
    ("Update", "When will you update the app for Android 15?"),
    ("", "Supprimez le paiement en double s'il vous plaît, j'ai été débité deux fois."),
    ("Partnership", "We are a payment aggregator in Lomé and would like to discuss a partnership."),
    ("Portabilité", "Je change d'opérateur : comment garder mon numéro ? Il me faut le code RIO."),
    ("Switching", "How do I port my number to another network? I need my PAC code."),
    ("", "Please update your app, it crashes on Android 14."),
    ("", "Can you send me a copy of my last three bank statements for my visa application?"),
    ("", "Can you export my transactions to PDF for my accountant?"),
    ("", "Pouvez-vous mettre à jour votre application ? Elle plante depuis hier."),
    ("", "Please correct my transfer, I sent 5000 instead of 500 to the wrong person."),
    ("", "Pouvez-vous m'envoyer le relevé de mes transactions de mars en Excel ?"),
])
def test_hard_negatives_are_not_risky_rights(classifier: Classifier, subject: str, body: str) -> None:
    result = classify(classifier, subject, body)
    assert not (result.intent in RISKY and not result.needs_review), result


def test_negation(classifier: Classifier) -> None:
    result = classify(classifier, "", "I don't want to delete my account, just change my e-mail address to "
                                      "kofi.new@example.com.")
    assert result.intent is Intent.RECTIFY
    result = classify(classifier, "", "Ne supprimez pas mon compte, je veux juste ne plus recevoir vos pubs.")
    assert result.intent is Intent.UNSUBSCRIBE


def test_a_negated_phrase_is_no_evidence_for_its_right(classifier: Classifier) -> None:
    text = folded("", "Please don't delete my account. I still use it, just stop the promo emails")
    evidence = classifier.rules.evidence(classifier.nlp(text), text)
    assert not [e for e in evidence if e.label == "delete" and e.weight > 0], evidence
    assert [e for e in evidence if e.label == "delete" and e.weight < 0]
    # Without the negation the same phrase counts.
    text = folded("", "Please delete my account")
    assert [e for e in classifier.rules.evidence(classifier.nlp(text), text) if e.label == "delete" and e.weight > 0]
    result = classify(classifier, "Don't delete my account",
                      "Please don't delete my account, I still use it! Just stop the promo emails.")
    assert result.intent is Intent.UNSUBSCRIBE and Intent.DELETE not in result.intents


@pytest.mark.parametrize(("subject", "body"), [
    ("Webinar: handling Article 15 requests", "Join our free webinar on subject access requests: we help fintechs "
     "answer every request for a copy of personal data within one month. Book a demo today."),
    ("Livre blanc RGPD", "Téléchargez notre livre blanc sur le droit à l'effacement : notre plateforme vous permet "
     "de supprimer les données de vos clients en un clic."),
    ("Question for my thesis", "I'm a student writing a thesis about the right to erasure. How many deletion "
     "requests do you receive each month? I'm not asking about my own account."),
    ("question GDPR", "Hello, I am student from Italy and I write thesis about GDPR. What is the difference "
     "between the right of access and the right to rectification in practice? Thanks"),
    ("Mémoire", "Bonjour, je prépare un mémoire sur le RGPD : comment traitez-vous une demande de droit d'accès ?"),
])
def test_mail_about_rights_that_asks_nothing_for_the_writer(classifier: Classifier, subject: str, body: str) -> None:
    text = folded(*prepare(subject, body))
    assert any(e.weight < 0 for e in classifier.rules.evidence(classifier.nlp(text), text))
    result = classify(classifier, subject, body)
    assert not (result.intent in RISKY and not result.needs_review), result


def test_multi_intent_keeps_the_order_asked(classifier: Classifier) -> None:
    result = classify(classifier, "Two requests", "First, please send me a copy of all the personal data you "
                      "hold about me. Then delete my account and erase everything.")
    assert result.intent is Intent.ACCESS and Intent.DELETE in result.intents


def test_unsubscribe_is_never_read_as_delete(classifier: Classifier) -> None:
    for body in ("Stop sending me your newsletters, I don't want them anymore.",
                 "Arrêtez de m'envoyer vos mails publicitaires svp", "unsubscribe", "STOP PUB",
                 "Je reçois ça toutes les semaines. Supprimez-moi de cette liste de diffusion.",
                 "Delete me from this mailing list, I never signed up for it."):
        assert classify(classifier, "", body).intent is not Intent.DELETE


@pytest.mark.parametrize(("subject", "body"), [
    ("", ""), ("Supprimer mon compte", ""), ("", "\x00\x01\x02 ÿþ garbage \ufffd" * 50),
    ("", "lorem ipsum " * 9000), ("Accès", "<html><body><p>Je veux une copie de mes données</p></body></html>"),
])
def test_degenerate_input_never_raises(classifier: Classifier, subject: str, body: str) -> None:
    result = classify(classifier, subject, body)
    assert result.intent.value in LABELS and 0.0 <= result.confidence <= 1.0
    assert result.intents[0] is result.intent


def test_empty_mail_goes_to_review(classifier: Classifier) -> None:
    assert classify(classifier, "", "").needs_review


def test_subject_only_and_html_only(classifier: Classifier) -> None:
    assert classify(classifier, "Delete my account", "").intent is Intent.DELETE
    html = "<html><body><p>Bonjour,</p><p>je veux une copie de toutes mes donn&eacute;es personnelles.</p></body></html>"
    assert classify(classifier, "", html).intent is Intent.ACCESS


def test_other_languages_go_to_review(classifier: Classifier) -> None:
    result = classify(classifier, "", "Hola, quiero que borren mi cuenta y todos mis datos personales, por favor.")
    assert result.lang == "es" and result.needs_review


@pytest.mark.parametrize("entry", corpus.entries("requests"), ids=lambda e: e["file"])
def test_corpus_requests(classifier: Classifier, entry: dict) -> None:
    from mailbot.mail.parse import parse_mail

    mail = parse_mail(corpus.raw(entry))
    result = classifier.classify(mail.subject, mail.text, lang=mail.lang)
    if Path(entry["file"]).name.startswith("multi_access_delete"):
        # Its subject says "copy, then deletion" and its body a numbered list: both must be found.
        assert {Intent.ACCESS, Intent.DELETE} <= set(result.intents), result
    else:
        assert result.intent.value == entry["intent"], (result, entry["notes"])


def test_results_serialise(classifier: Classifier) -> None:
    data = classify(classifier, "STOP", "").as_json()
    assert json.loads(json.dumps(data)) == data and set(data) == {"intent", "intents", "confidence", "lang"}


ACCESS_LETTER = """Dear Sir or Madam,

I am writing to make a subject access request under Article 15 of the General Data Protection
Regulation. Please confirm whether you process personal data concerning me and, if so, send me a
copy of that data together with:
a) the purposes of the processing;
b) the recipients to whom the data have been or will be disclosed;
c) how long the data will be stored;
d) the existence of the right to request rectification or erasure of personal data or restriction
of processing, or to object to such processing;
e) the right to lodge a complaint with a supervisory authority.

Please reply within one month, as Article 12(3) requires.
Yours faithfully,
Jane Doe"""

ACCES_LETTRE = """Madame, Monsieur,

En application de l'article 15 du RGPD, je vous prie de m'indiquer si des données personnelles me
concernant figurent dans vos fichiers et, le cas échéant, de m'en adresser une copie. Je souhaite
aussi connaître les finalités du traitement, les destinataires, la durée de conservation, ainsi que
l'existence de mes droits de rectification, d'effacement, de limitation et d'opposition.

Vous disposez d'un délai d'un mois pour répondre.
Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.
Marie Dupont"""


@pytest.mark.parametrize(("subject", "body", "intent"), [
    ("Subject access request", ACCESS_LETTER, "access"),
    ("Demande de droit d'accès", ACCES_LETTRE, "access"),
    ("Request for erasure", "Dear Data Protection Officer,\n\nPursuant to Article 17 of the GDPR, I request that "
     "you erase all personal data you hold about me without undue delay. I withdraw the consent on which the "
     "processing is based. Please inform any recipients of my data, as Article 19 requires, and confirm in "
     "writing.\n\nRegards,\nJohn Smith", "delete"),
    ("Objection to direct marketing", "I object, under Article 21(2) of the GDPR, to the processing of my "
     "personal data for direct marketing. Please stop sending me promotional e-mails and text messages.",
     "unsubscribe"),
    ("Opposition au traitement", "Je m'oppose, pour des raisons tenant à ma situation particulière, au traitement "
     "de mes données à des fins de profilage et de statistiques d'utilisation, ainsi qu'à la géolocalisation de "
     "mon téléphone par votre application.", "object"),
    ("Demande de limitation du traitement", "Madame, Monsieur,\n\nJe conteste l'exactitude des données me "
     "concernant. En application de l'article 18 du RGPD, je vous demande de limiter le traitement de ces données "
     "pendant la durée nécessaire à leur vérification.\n\nJulien Roux", "restrict"),
    ("Droit à la portabilité", "Bonjour,\n\nJe souhaite exercer mon droit à la portabilité (article 20 du RGPD) et "
     "recevoir les données que je vous ai fournies dans un format structuré, couramment utilisé et lisible par "
     "machine.\n\nNadia Benali", "portability"),
    ("Demande de rectification", "Bonjour,\n\nEn vertu de l'article 16 du RGPD, je vous demande de rectifier mon "
     "nom de famille, mal orthographié dans mon dossier : il s'agit de « Lefèvre » et non « Lefebvre ».",
     "rectify"),
])
def test_formal_letters(classifier: Classifier, subject: str, body: str, intent: str) -> None:
    """Letters written for this test in the manner of formal requests."""
    assert classify(classifier, subject, body).intent.value == intent


@pytest.mark.parametrize("body", [ACCESS_LETTER, ACCES_LETTRE])
def test_an_access_letter_that_lists_the_other_rights_asks_only_for_access(classifier: Classifier, body: str) -> None:
    # Article 15(1)(e) makes every access letter name erasure, rectification and objection:
    # reading them as requests would queue a deletion nobody asked for.
    assert classify(classifier, "", body).intents == (Intent.ACCESS,)


@pytest.mark.parametrize(("pattern", "needles"), [
    (r"\barticle\s*15", ("article",)),
    (r"\b(oubliez[- ]moi|effacez[- ]moi)", ("oubliez", "effacez")),
    (r"\b(code|otp)s? (never|not) (came|arrived)", ("came", "arrived")),  # the rarest required part
    (r"\bdata breach|\bphishing", ("data breach", "phishing")),  # each branch its own
    (r"\bdata breach|(a|b)c", ()),
    (r"\b(je )?ne veux plus", ("ne veux plus",)),  # an optional start is skipped
    (r"\be-?mail", ("mail",)),
    (r"\bthanks? (you )?for", ("thank",)),
    (r"\b(pas|jamais) (de )?(piratage|fraude)\b", ("piratage", "fraude")),
    (r"^\s*(stop|unsubscribe)\W*$", ("stop", "unsubscribe")),
    (r"(?i)abc", ()),  # flags could make the needles miss
    (r"a.b", ()),
])
def test_regex_gates(pattern: str, needles: tuple[str, ...]) -> None:
    assert gate(pattern) == needles


def test_gates_never_change_the_evidence(classifier: Classifier) -> None:
    """Every pattern of the project, on a third of the project's examples: the same matches
    with and without the literal gates."""
    rules = classifier.rules
    ungated = Rules(classifier.nlp, PATTERNS)
    ungated.gates = [()] * len(ungated.compiled)
    assert any(rules.gates)
    examples = load_examples(Path(__file__).resolve().parents[2] / "intents" / "data")[::3]
    for record in examples:
        text = folded(*prepare(record["subject"], record["body"]))
        doc = classifier.nlp.make_doc(text)
        assert rules.evidence(doc, text) == ungated.evidence(doc, text), record["source"]


@pytest.mark.parametrize(("body", "intent"), [
    ("Je ne veux pas que mon compte soit supprimé, mais arrêtez de m'envoyer vos pubs.", "unsubscribe"),
    ("N'effacez rien : gardez mes données sans les utiliser tant que le litige dure.", "restrict"),
    ("jveu pa effacer mon compte, jveu juste changer mon numero : 77 123 45 67", "rectify"),
    ("Rather than deleting my data, please keep it but stop using it until my complaint is settled.", "restrict"),
])
def test_a_refused_erasure_is_no_erasure(classifier: Classifier, body: str, intent: str) -> None:
    result = classify(classifier, "", body)
    assert result.intent.value == intent and Intent.DELETE not in result.intents, result


@pytest.mark.parametrize(("body", "intent"), [
    ("Conformément à l'article 21, paragraphe 2, du RGPD, je m'oppose à toute prospection commerciale.",
     "unsubscribe"),
    ("En application de l'art. 21.2 du RGPD, je refuse de recevoir vos offres commerciales.", "unsubscribe"),
    ("Under Article 21(2) GDPR, I refuse any further use of my details for prospection.", "unsubscribe"),
    ("Conformément à l'article 21, paragraphe 1, du RGPD, je m'oppose au profilage de mes transactions.",
     "object"),
    ("Under Article 21 GDPR I object to the profiling of my payments for risk scores.", "object"),
])
def test_article_21_paragraph_two_is_marketing(classifier: Classifier, body: str, intent: str) -> None:
    assert classify(classifier, "", body).intent.value == intent


def test_an_erasure_that_refuses_a_mere_unsubscribe(classifier: Classifier) -> None:
    body = "I SAID REMOVE MY ACCOUNT. NOT REMOVE ME FROM THE EMAILS. DELETE THE WHOLE THING AND ALL MY DATA."
    assert classify(classifier, "Re: my account", body).intent is Intent.DELETE


@pytest.mark.parametrize("body", [
    "Pendant la vérification de mon dossier, ne plus utiliser mon adresse, puis la corriger.",
    "Until you have checked my date of birth, do not use it for anything; then correct it.",
])
def test_restriction_while_checking_comes_first(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intents[0] is Intent.RESTRICT


@pytest.mark.parametrize("body", [
    "Depuis 2 semaines je reçois des SMS de réinitialisation de code PIN alors que j'ai rien demandé.",
    "I keep getting login codes by text that I never asked for. Is someone trying to get in?",
    "Our former treasurer still has the password of the association's account and a payment went out.",
    "Is there a way to know if my data was part of the leak I heard about on the radio?",
    "Deux hommes se présentant comme contrôleurs WeCashUp demandent la liste des clients aux boutiquiers.",
])
def test_security_reported_indirectly(classifier: Classifier, body: str) -> None:
    assert Intent.SECURITY in classify(classifier, "", body).intents


@pytest.mark.parametrize("body", [
    "I object to this withdrawal fee of 2%. Your website says 1%. Please refund the difference.",
    "Je m'oppose à ces frais de retrait, votre site annonce 1 %.",
])
def test_objecting_to_a_fee_is_no_objection_to_processing(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intent is Intent.OTHER


@pytest.mark.parametrize(("body", "intents"), [
    ("Salut, envoyez-moi mes données en JSON stp, et arrêtez de me géolocaliser dans l'appli.",
     (Intent.PORTABILITY, Intent.OBJECT)),
    ("pls update my surname to Adeyemi on my profile and no more promo sms thx",
     (Intent.RECTIFY, Intent.UNSUBSCRIBE)),
])
def test_two_requests_in_one_sentence_keep_their_order(classifier: Classifier, body: str, intents) -> None:
    assert classify(classifier, "", body).intents[:2] == intents


@pytest.mark.parametrize("body", [
    "En application de l'article 38 de la loi du 6 janvier 1978 modifiée, je vous prie de supprimer mes "
    "coordonnées de vos fichiers de prospection commerciale.",
    "Please remove my email address from your marketing lists and your mailing database.",
])
def test_leaving_a_marketing_list_asks_no_erasure_at_all(classifier: Classifier, body: str) -> None:
    result = classify(classifier, "", body)
    assert result.intent is Intent.UNSUBSCRIBE and Intent.DELETE not in result.intents, result


@pytest.mark.parametrize(("subject", "body", "intents"), [
    ("Export and erasure",
     "Hello,\n\nFirst please send me my order history and saved addresses as a CSV file. When I have it, "
     "erase my account and everything in it.\n\nThanks, Kwame",
     (Intent.PORTABILITY, Intent.DELETE)),
    ("Suppression et copie",
     "Bonjour,\n\nJe voudrais d'abord une copie des données que vous avez sur moi. Ensuite, supprimez "
     "mon compte.\n\nMerci, Awa",
     (Intent.ACCESS, Intent.DELETE)),
])
def test_the_body_orders_the_rights_a_subject_names(classifier: Classifier, subject: str, body: str, intents) -> None:
    assert classify(classifier, subject, body).intents[:2] == intents


def test_a_greeting_line_places_no_right(classifier: Classifier) -> None:
    body = ("Dear Data Protection Officer,\n\nI object under Article 21(3) to all direct marketing from you, "
            "by e-mail, SMS and post. Please confirm that my details have been suppressed.\n\nYours faithfully,\nR. Lawal")
    result = classify(classifier, "Stop marketing", body)
    assert result.intent is Intent.UNSUBSCRIBE and Intent.DELETE not in result.intents, result


@pytest.mark.parametrize("body", [
    "Please erase all personal data you hold about me without delay.",
    "I am writing to request the erasure of all personal data you hold about me, pursuant to Article 17.",
    "Kindly destroy the records you keep on me and confirm when done.",
    "Je vous demande l'effacement de l'ensemble des données me concernant que vous détenez.",
    "Merci de procéder à la suppression des données me concernant.",
    "supprimez ttes les infos ke vs avez sur moi",
])
def test_erasing_the_data_held_about_me_is_erasure_not_access(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intent is Intent.DELETE


@pytest.mark.parametrize("body", [
    "Merci de supprimer les données me concernant de vos fichiers de prospection.",
    "Please remove the information you hold about me from your marketing lists.",
])
def test_leaving_a_marketing_file_is_no_erasure(classifier: Classifier, body: str) -> None:
    result = classify(classifier, "", body)
    assert result.intent is Intent.UNSUBSCRIBE and Intent.DELETE not in result.intents, result


def test_article_numbers_in_phone_typed_french(classifier: Classifier) -> None:
    body = "bjr jvoudrais une copie de tt mes donnees perso ke vs avez, c larticle 15 du rgpd je crois. mrc"
    assert classify(classifier, "", body).intent is Intent.ACCESS


@pytest.mark.parametrize(("body", "intent"), [
    ("I withdraw my consent to the processing of my personal data for the purposes you listed. "
     "Please stop processing it.", Intent.OBJECT),
    ("Je retire mon consentement au traitement de mes données et vous demande de cesser toute utilisation.",
     Intent.OBJECT),
    ("I withdraw my consent to receive marketing emails.", Intent.UNSUBSCRIBE),
])
def test_withdrawn_consent_is_an_objection_unless_it_is_to_marketing(
        classifier: Classifier, body: str, intent: Intent) -> None:
    assert classify(classifier, "", body).intent is intent


@pytest.mark.parametrize("body", [
    "bonjour jai pas fait le transfert de 15000 vers ce numero, c quoi ca",
    "Je vois un prélèvement de 8 000 F que je reconnais pas, vous pouvez vérifier ?",
    "Depuis hier de l'argent disparaît de mon compte sans raison.",
    "Money keeps disappearing from my wallet, 3 times this week.",
])
def test_unrecognised_debits_in_plain_words_are_security(classifier: Classifier, body: str) -> None:
    assert Intent.SECURITY in classify(classifier, "", body).intents


def test_never_having_used_the_service_is_no_fraud_report(classifier: Classifier) -> None:
    body = "J'ai testé l'appli une fois, je n'ai jamais fait de transfert. Supprimez mon compte svp."
    assert Intent.SECURITY not in classify(classifier, "", body).intents


def test_a_request_to_close_the_account_buried_in_a_phone_typed_complaint(classifier: Classifier) -> None:
    body = ("bjr, ca fait 3 mois ke jai des problemes avec vos transferts, frais bizarres, appli ki plante, "
            "mon cousin a attendu son argent 1 semaine. jvous ecris pas pr me plaindre encore, ca sert a rien. "
            "mais y a un truc ke jveu regler: jveu ke vs supprimiez mon compte definitivement avec mes donnees. cdlt")
    assert classify(classifier, "", body).intent is Intent.DELETE


@pytest.mark.parametrize("body", [
    "Je vous prie de bien vouloir m'adresser une copie intégrale de mon acte de naissance. "
    "Je suis né le 3 mai 1979 à Namur.",
    "Please could you send me a certified copy of my birth certificate? I was born on 4 June 1988 in Leeds.",
])
def test_asking_a_registry_for_a_certificate_is_no_right(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intent is Intent.OTHER


def test_a_look_around_does_not_hide_the_gate() -> None:
    assert gate(r"\b(je retire|retirer) (mon|mes) consentements?\b(?![^.\n]{0,60}(prospection|publicit))") == (
        " consentement",)
    assert gate(r"(?i)stop") == ()


@pytest.mark.parametrize("body", [
    "Madame, Monsieur,\n\nJe vous informe que je m'oppose, conformément à l'art. 21(2) du RGPD, au traitement de "
    "mes données à des fins de prospection par votre société. Merci de noter mon adresse sur votre liste "
    "d'opposition.\n\nA. Mbeki",
    "Dear Sir,\n\nI object under Art. 21(2) GDPR to the use of my data for direct marketing by your group. "
    "Please record this.\n\nJ. Okafor",
])
def test_an_objection_to_marketing_is_an_unsubscribe_only(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "Opposition – Art. 21(2)", body).intents == (Intent.UNSUBSCRIBE,)


def test_the_full_stop_of_art_ends_no_sentence() -> None:
    assert ABBREVIATION.sub(" ", "conformement a l'art. 21(2) du rgpd. merci") == "conformement a l'art  21(2) du rgpd. merci"
    assert ABBREVIATION.sub(" ", "i said no. then") == "i said no. then"


@pytest.mark.parametrize("body", [
    "Bonjour,\nMon numéro de téléphone est faux dans votre fichier. Tant que vous vérifiez, n'utilisez plus ce "
    "numéro, puis corrigez-le : 06 12 34 56 78.\nMerci",
    "Hello, my surname is wrong in your records. While you check it, please stop using it, and then correct it "
    "to Adeyemi.",
])
def test_a_stated_fact_does_not_order_the_requests(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intents[:2] == (Intent.RESTRICT, Intent.RECTIFY)


def test_a_fact_alone_still_places_its_right(classifier: Classifier) -> None:
    body = "Mon adresse a changé : 12 rue des Lilas, Lyon. Merci aussi de ne plus m'envoyer de publicité."
    assert classify(classifier, "", body).intents[:2] == (Intent.RECTIFY, Intent.UNSUBSCRIBE)


@pytest.mark.parametrize(("body", "intent"), [
    ("Ma demande de crédit a été refusée en trois secondes. Conformément à l'article 22 du RGPD, je conteste "
     "cette décision et demande une intervention humaine.", Intent.OBJECT),
    ("Under Article 22(3) GDPR I contest the automated refusal of my loan and ask for human review.", Intent.OBJECT),
    ("i object to this 2% fee its too much", Intent.OTHER),
    ("how 2 unsubscrib from sms alert?", Intent.OTHER),
    ("Vous m'avez remboursé le transfert, merci. Je souhaite maintenant clôturer le compte, le solde est nul.",
     Intent.DELETE),
])
def test_automated_decisions_fees_alerts_and_closing(classifier: Classifier, body: str, intent: Intent) -> None:
    assert classify(classifier, "", body).intent is intent


def test_article_22_of_a_lease_is_no_automated_decision(classifier: Classifier) -> None:
    body = ("Madame, Monsieur,\n\nConformément à l'article 22 du bail, je vous adresse mon préavis : je quitte "
            "l'appartement du 3e étage le 30 juin. Merci de prévoir l'état des lieux.\n\nCordialement, A. Koné")
    assert Intent.OBJECT not in classify(classifier, "Préavis de départ", body).intents


def test_every_required_part_of_a_pattern_is_a_gate() -> None:
    assert gates(r"\b(conserver|garder) (mes donnees|mon compte)\b") == (
        (("conserver", "garder"), ("mes donnees", "mon compte")),)
    assert gates(r"\b(conservez|gardez)[- ]les\b|\bgarder (mes donnees|mon compte)") == (
        (("conservez", "gardez"), ("les",)), (("garder ",), ("mes donnees", "mon compte")))
    assert gates(r"\bstop|\b\d+\b") == ()


@pytest.mark.parametrize("body", [
    "Bonjour,\nJe suis très contente de l'appli et je souhaite garder mon compte. Par contre, pouvez-vous me "
    "retirer de la newsletter ? Je ne la lis pas.\nMerci",
    "I'm happy with the app and I want to keep my account, but please take me off the newsletter.",
])
def test_keeping_the_account_while_leaving_the_newsletter(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "Newsletter", body).intents == (Intent.UNSUBSCRIBE,)


@pytest.mark.parametrize(("body", "intent"), [
    ("Can you please confirm whether or not you are processing my personal data, and if so provide a copy?",
     Intent.ACCESS),
    ("Est-ce que vous revendez mes données ?", Intent.OTHER),
    ("Do you sell my data to third parties?", Intent.OTHER),
    ("À qui vendez-vous mes données ? Je veux la liste.", Intent.ACCESS),
    ("Bonjour, j'ai reçu votre courriel m'informant d'une violation de données. Quelles données me concernant "
     "ont été touchées ? Dois-je changer mon mot de passe ?", Intent.SECURITY),
])
def test_confirmation_of_processing_selling_data_and_a_breach_notice(
        classifier: Classifier, body: str, intent: Intent) -> None:
    assert classify(classifier, "", body).intent is intent


@pytest.mark.parametrize(("body", "intent"), [
    ("I never signed up for this. How did you get my email? Remove it.", Intent.ACCESS),
    ("Je n'ai jamais été client chez vous. Comment avez-vous eu mon numéro ? Supprimez-le.", Intent.ACCESS),
    ("Under the CCPA, I direct you not to sell or share my personal information with third parties.", Intent.OBJECT),
    ("Merci de ne pas transmettre mes données à vos partenaires.", Intent.OBJECT),
])
def test_where_my_data_came_from_and_not_selling_it(classifier: Classifier, body: str, intent: Intent) -> None:
    result = classify(classifier, "", body)
    assert result.intent is intent and Intent.PORTABILITY not in result.intents, result


@pytest.mark.parametrize("body", [
    "Madame, Monsieur,\n\nPar courrier du 2 février, je vous ai demandé la communication de l'ensemble des données "
    "me concernant. Plus d'un mois s'est écoulé sans réponse. Je vous rappelle que vous disposez d'un délai d'un "
    "mois pour répondre, et qu'à défaut je saisirai la CNIL.\n\nCordialement",
    "Dear Sir or Madam,\n\nOn 2 February I asked for a copy of the personal data you hold about me. I have had no "
    "reply. Please send it within 7 days, failing which I will complain to the ICO.\n\nYours faithfully",
])
def test_the_threat_of_a_complaint_asks_nothing_more(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "Relance : demande d'accès", body).intents == (Intent.ACCESS,)


@pytest.mark.parametrize("body", [
    "Bonjour, la fonction « agences proches » ne marche pas, elle affiche des agences à Dakar alors que je suis "
    "à Thiès. Pouvez-vous corriger ? Merci",
    "The branch finder map doesn't work, it shows Lagos branches when I'm in Abuja. Can you fix it?",
])
def test_fixing_an_app_feature_is_no_rectification(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intent is Intent.OTHER


@pytest.mark.parametrize("body", [
    "Bonjour,\nDans votre article d'hier sur le conseil municipal, le nom du maire adjoint est mal orthographié : "
    "c'est Hervé Kouakou, pas Kouakou Hervé. Ce serait bien de corriger.",
    "Bonjour,\nJe conteste le calcul des intérêts de mon crédit depuis février. Tant que le litige n'est pas réglé, "
    "merci de suspendre les prélèvements mensuels et de geler les intérêts.",
    "Dispute on my loan: until it is resolved, please freeze the interest and suspend the direct debits.",
])
def test_a_newspaper_erratum_and_frozen_repayments_are_no_rights(classifier: Classifier, body: str) -> None:
    assert classify(classifier, "", body).intent is Intent.OTHER


def test_leaving_a_mailing_list_in_quebec_french(classifier: Classifier) -> None:
    body = "Allô,\n\nJe reçois vos infolettres aux deux jours. Pouvez-vous m'enlever de votre liste d'envoi?\n\nMerci"
    assert classify(classifier, "Infolettre", body).intent is Intent.UNSUBSCRIBE


@pytest.mark.parametrize(("body", "intent"), [
    ("I've had three phone calls this term asking for a donation. Could you please mark my record so I'm not "
     "contacted for fundraising by phone, post or email?", Intent.UNSUBSCRIBE),
    ("I sent my passport scan and bank statements with my application. I'd rather you didn't keep those now "
     "that I'm not coming. Could they be removed from your systems?", Intent.DELETE),
    ("Could my old card be removed from your system? I got a new one.", Intent.OTHER),
])
def test_requests_in_plain_words(classifier: Classifier, body: str, intent: Intent) -> None:
    assert classify(classifier, "", body).intent is intent


@pytest.mark.parametrize(("subject", "body", "intents"), [
    # Two mails of the held-out sets (no longer blind) whose second right the whole mail scores
    # under 0.2: without the faint-rights pass they come out with one intent.
    ("Nouvelle adresse", "Bonjour,\nj'ai déménagé le mois dernier, pouvez-vous changer mon adresse ? Nouvelle "
     "adresse : 8 rue Paradis, 13001 Marseille. L'ancienne c'était à Aubagne. Et au passage je ne veux plus le "
     "catalogue papier, merci de l'arrêter.\nMerci, bonne journée\nFatou", ["rectify", "unsubscribe"]),
    ("Mes données chez vous", "Bonjour,\n\nJ'ai postulé via votre cabinet en 2021 pour un poste de comptable. Je "
     "souhaite recevoir une copie de toutes les informations que vous avez sur moi : CV, notes d'entretien, "
     "résultats des tests de personnalité, et savoir à quelles entreprises clientes mon dossier a été envoyé.\n\n"
     "Une fois que j'aurai reçu ces éléments, merci de supprimer définitivement mon dossier de votre base de "
     "candidats.\n\nCordialement,\nÉlodie Marchal", ["access", "delete"]),
])
def test_a_right_the_whole_mail_barely_suggests_is_found_where_a_sentence_asks_it(
        classifier: Classifier, subject: str, body: str, intents) -> None:
    assert [i.value for i in classify(classifier, subject, body).intents] == intents


@pytest.mark.parametrize("name", ["probes.jsonl", "probes2.jsonl", "probes3.jsonl", "probes4.jsonl", "probes5.jsonl", "probes6.jsonl"])
def test_intents_are_distinct_and_start_with_the_intent(classifier: Classifier, name: str) -> None:
    records = [json.loads(line) for line in (HELDOUT / name).read_text(encoding="utf-8").splitlines()]
    for result in classifier.classify_many([prepare(r["subject"], r["body"]) for r in records]):
        assert len(set(result.intents)) == len(result.intents)
        assert result.intents[0] == result.intent


@pytest.mark.parametrize(("subject", "body"), [
    ("Your subject access request – [reference]", "Dear [requester name],\n\nThank you for your request dated "
     "[date]. We are treating it as a subject access request under Article 15 of the UK GDPR and will respond "
     "within one month."),
    ("Votre demande", "Madame,\nNous accusons réception de votre demande d'accès à vos données et y répondrons "
     "dans le délai d'un mois."),
    ("Newsletter de l'association", "Chers adhérents,\nVous êtes nombreux à nous demander comment obtenir la "
     "copie des données qu'une entreprise détient sur vous. Voici nos conseils."),
    ("Quick question", "Hi Sam,\nHow do you handle subject access requests that arrive by post without ID? "
     "Do you always ask for a copy of a passport?\nBest, Claire (DPO)"),
    ("Beware of fake texts", "Dear customer,\nFraudsters are sending text messages in our name. We will never "
     "ask for your PIN or one-time code. Do not click the link."),
])
def test_an_organisations_own_mail_about_rights_is_never_acted_on(classifier: Classifier, subject: str, body: str) -> None:
    result = classify(classifier, subject, body)
    assert result.intent not in {*RISKY, Intent.SECURITY} or result.needs_review


@pytest.mark.parametrize(("body", "intent"), [
    ("When someone searches my name, the first result is a 2014 article about my bankruptcy. Please remove "
     "that link from your search results.", "delete"),
    ("Quand on tape mon nom sur votre moteur, un vieil article sort en premier. Je voudrais que ce lien "
     "n'apparaisse plus.", "delete"),
    ("I read about your data breach in the paper. Can you tell me whether my account was affected by it?",
     "security"),
    ("On parle d'une cyberattaque chez vous dans la presse. Mes données sont-elles concernées ?", "security"),
    ("Your report lists the wrong employer for me. Please limit the use of my profile until you have checked.",
     "restrict"),
    ("Vous m'attribuez une dette qui n'est pas la mienne. Je demande que mes données soient gelées le temps de "
     "votre vérification.", "restrict"),
    ("Je ne veux plus du magazine : merci de ne pas renouveler mon abonnement et de ne plus me prélever.", "other"),
])
def test_delisting_leaks_limits_and_paid_subscriptions(classifier: Classifier, body: str, intent: str) -> None:
    assert classify(classifier, "", body).intent == Intent(intent)


@pytest.mark.parametrize(("body", "intent"), [
    ("Dear Customer Service,\nPlease delete my account and all my data.", "delete"),
    ("Cher service client,\nmerci de corriger ma date de naissance : 14/02/1990.", "rectify"),
    ("Dear customer support team, send me a copy of the personal data you hold about me.", "access"),
])
def test_writing_to_customer_service_is_no_mailing_to_customers(classifier: Classifier, body: str, intent: str) -> None:
    assert classify(classifier, "", body).intent == Intent(intent)


@pytest.mark.parametrize(("subject", "body", "intents"), [
    ("", "Honestly I just want everything about me gone, all of it.", ["delete"]),
    ("", "Je veux que tout ce qui me concerne disparaisse de vos fichiers.", ["delete"]),
    ("Grades visible", "If I change the number at the end of the URL I can see other students' names and marks. "
     "I thought you should know.", ["security"]),
    ("", "Votre appli a un souci : je peux voir les commandes d'autres clients depuis mon compte.", ["security"]),
    ("", "J'ai résilié mon contrat au 31 décembre. Combien de temps allez-vous garder mes données, notamment mes "
     "remboursements ? Par ailleurs, merci de ne plus m'envoyer vos offres.", ["access", "unsubscribe"]),
    ("Appeal letters", "I'll keep my direct debit going, but please stop sending me the postal appeals and the "
     "raffle tickets.", ["unsubscribe"]),
    ("Caméras", "Je refuse que mon visage soit analysé par vos caméras à l'entrée de la salle.", ["object"]),
    ("Leaving", "I'm closing my account with you. First, send me a copy of everything you hold on me. Once I have "
     "it, please erase my account and the data.", ["access", "delete"]),
])
def test_rights_in_the_words_of_the_last_two_probe_sets(classifier: Classifier, subject: str, body: str, intents) -> None:
    assert [i.value for i in classify(classifier, subject, body).intents] == intents


def test_a_definitive_erasure_under_the_wrong_article_is_erasure(classifier: Classifier) -> None:
    result = classify(classifier, "", "En application de l'article 20 du RGPD, je vous demande l'effacement "
                      "définitif de toutes les données me concernant.")
    assert result.intent == Intent.DELETE


def test_a_freedom_of_information_request_is_no_access_request(classifier: Classifier) -> None:
    result = classify(classifier, "FOI request", "Dear FOI Officer,\nUnder the Freedom of Information Act 2000, "
                      "please tell me how many subject access requests the council received in 2023.")
    assert result.intent == Intent.OTHER


@pytest.mark.parametrize(("subject", "body", "intent"), [
    ("Since the scam",
     "Good evening,\n\nLast month my neighbour, an elderly man who lives alone, lost nearly all his "
     "savings to a text message that looked exactly like one of yours. It told him his wallet would be "
     "frozen unless he confirmed a code, and he did. I went with him to the police station in Surulere and "
     "then to your agent on the main road, and we spent two whole afternoons filling in forms. The officer "
     "told us that it happens every week in our area and that people should be careful with any message "
     "that mentions a code or a frozen account.\n\nSince then my whole family reads every SMS from your "
     "company with fear, and my mother calls me each time one arrives to ask whether it is real. Most of "
     "them are advertisements: weekend cashback, double bonus on transfers, win a phone. We cannot tell "
     "the real ones from the fake ones any more, and it has become exhausting for all of us.\n\nSo I am "
     "asking you plainly: please stop sending me your promotional texts and e-mails. Keep only the "
     "transaction receipts.\n\nThank you,\nChinedu Okafor", "unsubscribe"),
    ("Mon dossier",
     "Bonjour,\n\nJe vous écris depuis Douala. L'année dernière, mon frère aîné est décédé et j'ai dû "
     "organiser les obsèques au village, à Bafoussam. Pendant ces semaines difficiles, j'ai utilisé votre "
     "application presque tous les jours pour recevoir les contributions de la famille installée à Paris "
     "et à Abidjan, et je dois dire que la plupart des transferts sont arrivés rapidement, même si deux "
     "ont été bloqués pour vérification pendant trois jours, ce qui nous a beaucoup stressés. Le traiteur "
     "menaçait d'annuler et j'ai dû emprunter à un voisin.\n\nAujourd'hui les choses se sont calmées et je "
     "reprends mes affaires. En relisant mon profil dans l'application, j'ai vu que mon nom de famille est "
     "écrit « Nguimfack » au lieu de « Nguimfac » et que ma date de naissance est fausse d'un an. Je vous "
     "demande de corriger ces deux informations dans votre dossier : Nguimfac, né le 4 mars "
     "1983.\n\nCordialement,\nSerge Nguimfac", "rectify"),
])
def test_a_request_at_the_end_of_a_long_story_is_read_with_confidence(
        classifier: Classifier, subject: str, body: str, intent: str) -> None:
    result = classify(classifier, subject, body)
    assert result.intent == Intent(intent) and not result.needs_review, result


def test_a_regex_with_several_weights_counts_for_each_label(classifier: Classifier, tmp_path: Path) -> None:
    (tmp_path / "en.jsonl").write_text(json.dumps(
        {"regex": r"\bdear customers\b", "weights": {"access": -2.0, "other": 2.0}}) + "\n", encoding="utf-8")
    text = "dear customers, our offers"
    evidence = Rules(classifier.nlp, tmp_path).evidence(classifier.nlp(text), text)
    assert sorted((e.label, e.weight) for e in evidence) == [("access", -2.0), ("other", 2.0)]


@pytest.mark.parametrize("entry", [
    {"phrase": "delete my account", "weights": {"delete": 2.0, "access": -1.0}},
    {"regex": r"\bfoo\b", "weights": {"deletion": 2.0}},
])
def test_a_malformed_pattern_is_refused_with_its_line(classifier: Classifier, tmp_path: Path, entry: dict) -> None:
    (tmp_path / "en.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"en\.jsonl:1"):
        Rules(classifier.nlp, tmp_path)
