"""Crisis detection: the rules (assess), the learned net under them and the crisis terms in other languages."""
