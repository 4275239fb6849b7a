"""The model fingerprint covers what training reads, and only that."""

from bot.app.model import ROOT, training_files


def test_training_inputs_include_the_nlu_data_and_components_but_not_run_time_files():
    files = {str(path.relative_to(ROOT)) for path in training_files()}
    assert {"config.yml", "domain.yml", "data/nlu/faq.yml", "components/tokenizer.py",
            "bot/shorthand.py"} <= files
    assert not any(name.startswith(("data/patterns/", "data/safety/")) for name in files)
    assert "data/answers.yml" not in files  # the answer classifiers learn at run time (bot/conversation/answers.py)
    assert not {"components/channels.py", "components/tracker_store.py", "components/speedups.py",
                "components/router.py", "components/safety_policy.py"} & files
