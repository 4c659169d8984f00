"""Cases: storage, lifecycle, identity, policy and the approval queue."""
