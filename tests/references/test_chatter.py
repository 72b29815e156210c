"""Which mention or reply is no request: members thank, greet and react, and nobody pays."""

import pytest

from bot.jobs.chatter import is_bare_prompt


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ok",
        "hello",
        "Hi!!",
        "thanks!",
        "thx",
        "ty",
        "tysm",
        "thank you so much!!",
        "Thank-you, bot",
        "love it",
        "love this ❤️",
        "so cool, thanks bot",
        "wow",
        "lol nice",
        "🔥🔥🔥",
        "<:pepe_love:123456789012345678>",
        "<a:party_blob:123456789012345678> great job",
        "谢谢你",
        "太棒了\uff01",  # a full-width exclamation mark
        "哈哈哈",
        "好看",
        "感谢 👍",
        "好",
        "I love it",
        "thanks <3",
        "thanks :D",
        "thank you for the video",
        "it's amazing",
        "you\u2019re the best",
        "this is amazing",
        "nice video",
        "nice one",
        "many thanks",
        "cheers",
        "brilliant",
        "lmfao",
        "ありがとう",
        "감사합니다",
        "спасибо",
        "gracias",
        "merci beaucoup",
        "danke",
        "here",
        "thanks man",
        "well done",
        "lol dude",
        "great job dude",
        # questions about the bot, and more ways to thank it
        "what can you do?",
        "how does this work",
        "hi bot how do i use you",
        "can you make videos?",
        "thanks a ton",
        "thank you for your service",
        "omg so cute",
        "ありがとうございます",
        "谢谢大佬",
        "牛逼",
        "666",
        "muchas gracias",
        "vielen dank",
        "testing",
    ],
)
def test_thanks_greetings_and_reactions_are_no_prompt(text):
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "a cat",
        "now make it surf",
        "love it, but make it rain",
        "a cool dog on a beach",
        "thank you card on a table",
        "小猫",
        "小猫在跳舞",
        "哈哈大笑的猫",
        "a <:pepe:123456789012345678> frog dancing",
        "a well in a desert",
        "make it snow",
        "ok cool let's do a dragon",
        # a person or a thing described with the words around thanks is still a scene
        "a man",
        "a beautiful man",
        "the cool dude",
        "this is me",
        "a bot",
        "can you make a cat surf?",
        "how a river works, drawn in chalk",
        "what a dragon sees",
        "a crazy cat",
    ],
)
def test_anything_that_describes_a_scene_is_a_prompt(text):
    assert not is_bare_prompt(text)
