"""The classifier against OPAWG's own example strings, in the order SOURCE.txt gives."""

import pytest

from episodes.analytics.useragents import OpawgClassifier, get_classifier, list_info

APPLE_PROBE = "AppleCoreMedia/1.0.0.20E252 (iPhone; U; CPU OS 16_4_1 like Mac OS X; en_us)"


def first_match_file(classifier, user_agent):
    for name in ("bots", "apps", "libraries", "browsers"):
        if classifier.first_match(classifier.lists[name], user_agent) is not None:
            return name
    return None


def test_every_bot_example_is_classified_as_a_bot(opawg_lists, opawg_entries):
    classifier = get_classifier()
    examples = [(entry["name"], ua) for entry in opawg_entries("bots") for ua in entry.get("examples", [])]
    assert len(examples) > 200

    not_bots = [(name, ua) for name, ua in examples if not classifier.classify(ua).is_bot]

    assert not_bots == []


def test_every_app_example_is_counted_as_that_app(opawg_lists, opawg_entries):
    classifier = get_classifier()
    examples = [(entry["name"], ua) for entry in opawg_entries("apps") for ua in entry.get("examples", [])]
    assert len(examples) > 900

    results = [(name, ua, classifier.classify(ua)) for name, ua in examples]

    assert [(name, ua) for name, ua, r in results if (r.kind, r.name, r.is_bot) != ("app", name, False)] == []


def test_every_pattern_of_the_lists_compiles(opawg_lists):
    assert get_classifier().info["skipped_patterns"] == 0


def test_library_marked_bot_counts_as_bot(opawg_lists, opawg_entries):
    classifier = get_classifier()
    bot_libraries = [
        e for e in opawg_entries("libraries") if e.get("category") == "bot" and e.get("examples")
    ]
    assert bot_libraries
    for entry in bot_libraries:
        for ua in entry["examples"]:
            if first_match_file(classifier.classifier, ua) in ("apps",):
                continue
            assert classifier.classify(ua).is_bot, ua


def test_apple_podcasts_on_iphone_names_app_device_and_os(opawg_lists):
    result = get_classifier().classify("Podcasts/1410.53 CFNetwork/1111 Darwin/19.0.0 (iPhone)")

    assert (result.kind, result.name, result.device, result.device_category, result.os) == (
        "app",
        "Apple Podcasts",
        "Apple iPhone",
        "mobile",
        "iOS",
    )


def test_browser_referrer_names_the_web_player(opawg_lists, opawg_entries):
    referrer = next(e for e in opawg_entries("referrers") if e.get("examples"))
    browser_ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"

    result = get_classifier().classify(browser_ua, referrer["examples"][0])

    assert (result.kind, result.referrer_app, result.os) == ("browser", referrer["name"], "Windows")


def test_classifier_classifies_each_user_agent_once(opawg_lists):
    classifier = get_classifier()
    for _ in range(5):
        classifier.classify(APPLE_PROBE)

    info = classifier.classify_agent.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_list_info_reads_commit_and_date_of_the_copy(opawg_lists):
    info = list_info(opawg_lists)

    assert (info["commit"], info["date"]) == ("8008a31b7d348cd5722656c9d3e2d0c1cd6af212", "2026-08-06")


def test_without_a_directory_the_package_lists_are_used(settings):
    settings.PODCASTCMS_USER_AGENT_LISTS = ""
    classifier = get_classifier()

    assert classifier.info["source"].startswith("podcast-app-user-agents 1.3.5 with crawlerdetect")
    assert classifier.classify("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)").is_bot
    assert classifier.classify("Googlebot/2.1 (+http://www.google.com/bot.html)").is_bot
    overcast = classifier.classify("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)")
    assert (overcast.kind, overcast.name, overcast.is_bot) == ("app", "Overcast", False)


def test_a_directory_without_the_lists_is_refused_clearly(tmp_path):
    from episodes.analytics.useragents import ListError

    with pytest.raises(ListError, match="bots.json: not a readable OPAWG list"):
        OpawgClassifier(tmp_path)
