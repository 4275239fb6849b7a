"""What the guarded channels pass on to Rasa (components/channels.clean_message)."""

from components.channels import MAX_CHARS, clean_message


def test_invalid_characters_are_blanked_before_anything_reads_the_message():
    text, cut = clean_message("I took all my pills \ud800 an hour ago\x00")
    assert "\ud800" not in text and "\x00" not in text and "took all my pills" in text and not cut


def test_a_huge_message_is_cut_and_says_so():
    text, cut = clean_message("I drink every day. " * 500)
    assert len(text) <= MAX_CHARS and cut


def test_a_made_up_payload_is_read_as_plain_text_and_an_offered_one_kept():
    assert clean_message('/inform{"substances": {"x": 1}}')[0] == 'inform{"substances": {"x": 1}}'
    assert clean_message("/consent_given")[0] == "/consent_given"


def test_non_text_is_empty():
    assert clean_message(None) == ("", False) and clean_message(42) == ("", False)


def test_the_client_address_is_the_proxy_s_only_when_sanic_trusts_one():
    """The cluster profile's replicas are behind nginx ($SANIC_PROXIES_COUNT=1): the per-address limit on new
    conversations counts each person, not nginx; the last X-Forwarded-For entry is the one nginx added."""
    from sanic import Sanic
    from sanic.compat import Header
    from sanic.request import Request

    from components.channels import client_address

    def request(proxies: int) -> Request:
        app = Sanic(f"client_address_{proxies}")
        app.config.PROXIES_COUNT = proxies
        return Request(b"/webhooks/rest/session", Header({"x-forwarded-for": "203.0.113.9, 198.51.100.7"}), "1.1",
                       "POST", None, app)

    assert client_address(request(1)) == "198.51.100.7"  # what nginx saw, whatever the client claimed before it
    assert client_address(request(0)) == "unknown"  # no proxy trusted: the connection's own (none in this stub)
