"""The clinical core, with no Rasa import: the criteria, the placement rules, the levels and what the documents say."""
