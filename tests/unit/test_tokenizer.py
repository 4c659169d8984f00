"""The classifier's tokenizer: words, stems, the marks of sentences that ask, and offsets."""

from __future__ import annotations

import spacy

from mailbot.classify.tokenizer import EMPTY, FoldedWords

TOKENIZER = FoldedWords(spacy.blank("xx").vocab)


def texts(doc) -> list[str]:
    return [token.text for token in doc]


def test_words_then_stems_with_offsets() -> None:
    doc = TOKENIZER("supprimez mon compte")
    assert texts(doc) == ["supprimez", "mon", "compte", "_suppr", "_compt"]
    assert doc.user_data["offsets"] == [0, 10, 14]


def test_only_the_sentence_that_asks_is_marked() -> None:
    text = ("mon contrat a pris fin en janvier. je n'utilise plus votre service.\n"
            "pourriez-vous m'adresser un duplicata de mon releve ?")
    words = texts(TOKENIZER(text))
    assert "^duplicata" in words and "^releve" in words
    assert "^contrat" not in words and "^service" not in words


def test_english_requests_are_marked_and_stories_are_not() -> None:
    words = texts(TOKENIZER("i moved to accra last year. please delete my account."))
    assert {"^delete", "^account"} <= set(words)
    assert "^accra" not in words and "^moved" not in words


def test_a_sentence_of_words_is_marked_like_the_mail() -> None:
    sentence = TOKENIZER.words(["pourriez", "-", "vous", "supprimer", "mes", "donnees"])
    assert "^supprimer" in texts(sentence)
    assert not any(word.startswith("^") for word in texts(TOKENIZER.words(["mon", "compte", "est", "bloque"])))


def test_an_empty_mail_gets_a_marker() -> None:
    assert texts(TOKENIZER("")) == [EMPTY]
