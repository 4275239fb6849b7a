"""Reading what a person writes: facts, answers to the pending question, consent, routing and the form's turns."""
