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
        "thank you for the video, man",
        "thanks a lot guys",
        "thx a lot mate",
        "love the bot",
        "you're the best bot ever",
        "what's this?",
        "what does the bot do",
        "how much does this cost",
        "you're the goat",
        "the goat",
        "goat 🐐",
        "the video is awesome, thanks man",
        "the best, thank you bro",
        "the result is amazing thanks guys",
        "a lot of thanks guys",
        "can I use this?",
        "could you do that?",
        "谢谢你的视频",
        "谢谢分享",
        "谢谢机器人",
        "卧槽",
        "哇塞",
        "绝绝子",
        "爱了爱了",
        "棒棒哒",
        "好帅",
        "666666",
        # stretched spellings and laughter of any length, and a few more reactions
        "hahahaha",
        "thanksss",
        "so coool",
        "lmaooo",
        "lololol",
        "looks great",
        "you rock",
        "this is fire",
        "so sick",
        "dope",
        "is it free?",
        "price?",
        "free",
    ],
)
def test_thanks_greetings_and_reactions_are_no_prompt(text):
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    # The same thanks written in Traditional characters (a member in Taiwan or Hong Kong).
    [
        "\u8b1d\u8b1d",
        "\u592a\u68d2\u4e86\uff0c\u8b1d\u8b1d\uff01",
        "\u591a\u8b1d",
        "\u611f\u8b1d",
        "\u8b9a",
        "\u4e0d\u932f",
        "\u53b2\u5bb3",
        "\u5728\u55ce",
        "\u54c8\u56c9",
        "\u8b1d\u8b1d\u5206\u4eab",
    ],
)
def test_thanks_in_traditional_characters_is_no_prompt_either(text):
    """ "@Bot \u8c22\u8c22" makes no paid video; its Traditional spelling must not either."""
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
        "this is me",
        "a bot",
        "can you make a cat surf?",
        "how a river works, drawn in chalk",
        "what a dragon sees",
        "a crazy cat",
        "a goat",
        "a cute goat",
        "make it epic",
        "make it crazy",
        "make it lit",
        "can you make a video of this",
        "use it",
        "do it",
        "a goat on a hill",
        "机器人",
        "猫的视频",
        "一只小狗在海边奔跑",
        "a house on fire",
        "a sick dog in the rain",
        "make it look great",
        "a bird flying free",
        "dragon breathing fire",
        "hahaha, now make it rain",
        # alone, a reaction that also names a scene is taken as one
        "fire",
        "rock",
        "sick",
    ],
)
def test_anything_that_describes_a_scene_is_a_prompt(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        # thanks, as common as "thanks a ton", "muchas gracias" and "vielen dank"
        "thanks a million",
        "grazie mille",
        "muito obrigado",
        "спасибо большое",
        # questions about the bot itself, as "what can you do?"
        "who are you?",
        "who made you?",
        # thanks or hello to everyone
        "thanks everyone",
        "hello everyone",
        "hi everyone",
        "thank you all",
        "thanks folks",
        "thanks team",
        "thank you friends!",
    ],
)
def test_more_everyday_thanks_and_questions_about_the_bot_are_no_prompt(text):
    """ "@Bot grazie mille" under a result must not buy a video of "grazie mille"."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text", ["a cake made of a million candles", "a man who walks on the moon", "mille feuille"]
)
def test_those_words_in_a_scene_still_make_a_video(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "where is my video?",
        "why didn't it work?",
        "are you an AI?",
        "how long does it take?",
        "what happened?",
        "what model are you?",
        "are you broken?",
        "is it done yet?",
        "did my video fail?",
        "when will it be ready\uff1f",
        "how do I make a video?",
        "why does my video look like this?",
        "what happens if I cancel my video?",
        "where did my video go again?",
        "would it cost credits?",
        "when will the cat video be done?",
        "is the dragon video ready?",
        "where did my cat video go?",
        "how long until the cat video is finished?",
        "is mine done yet?",
        "when will mine be ready?",
        "why is there an error?",
        "is there a limit?",
        "what's the daily limit?",
        "how do i add an image?",
        "how do i get a refund?",
        "how do i change the resolution?",
        "is my render done?",
        "can i get a refund?",
        "how many videos can i make?",
        "how long does a video take?",
        "what resolutions do you support?",
        "why was my prompt refused?",
    ],
)
def test_a_question_about_the_bot_or_a_video_is_no_prompt(text):
    """ "@Bot where is my video?" while waiting must not buy a video of that question."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "can you make a cat surf?",
        "could you animate this dog running?",
        "what if cats ruled the world?",
        "will a dragon fit in a tiny car?",
        "where is my video",  # no question mark: as written, a scene
        "a cat asking why?",
        # a scene asked about the picture replied to, or about the last result
        "what would I look like as a pirate?",
        "what would this look like at night?",
        "how would my dog look in space?",
        "can you do it again but at night?",
        "can you add a dog next to her?",
        "can my cat dance?",
        "what does a cat see when it dreams?",
        "can you make a video of a cat surfing?",
        "can a robot work in the rain?",
        "can you make a long video of a beach at sunset?",
        "can you make a video of a snail that is slow?",
        "can you animate a clock that's running slow?",
        "can you make a video of a turtle taking a nap?",
        "what would the bot look like as a robot dog?",
        "can you make a video of a parachutist in free fall?",
        "could you animate the result with rain falling?",
        "can you make the result in slow motion?",
        "how do I look as a pirate?",
        "is this free fall real?",
        "can you do the same video but at night?",
        "can you make my cat dance?",
        "what if the bot was a cat?",
        "can you render a cat?",
    ],
)
def test_a_request_worded_as_a_question_is_still_a_prompt(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "\u4f60\u80fd\u505a\u4ec0\u4e48\uff1f",  # what can you do?
        "\u4f60\u662fAI\u5417\uff1f",  # are you an AI?
        "\u6211\u7684\u89c6\u9891\u5728\u54ea\u91cc\uff1f",  # where is my video?
        "\u4e3a\u4ec0\u4e48\u5931\u8d25\u4e86\uff1f",  # why did it fail?
        "\u89c6\u9891\u597d\u4e86\u5417",  # is the video done (no question mark)
        "\u8fd9\u4e2a\u8981\u591a\u5c11\u79ef\u5206\uff1f",  # how many credits?
        "\u600e\u4e48\u7528\uff1f",  # how is it used?
        "\u70ba\u4ec0\u9ebc\u5931\u6557\u4e86\uff1f",  # why did it fail? (Traditional)
        "\u6211\u7684\u5f71\u7247\u5728\u54ea\u88e1\uff1f",  # where is my video? (Traditional)
        "\u8c22\u8c22\u5927\u5bb6",  # thanks, everyone
        "\u8f9b\u82e6\u4e86",  # thanks for the work
        "\u5927\u5bb6\u597d",  # hello, everyone
        "\u6211\u7684\u89c6\u9891\u505a\u597d\u4e86\u5417\uff1f",  # is my video done?
        "\u89c6\u9891\u505a\u5b8c\u4e86\u5417\uff1f",  # is the video finished?
        "\u6211\u7684\u89c6\u9891\u751f\u6210\u597d\u4e86\u5417\uff1f",  # has my video been made?
        "\u4f60\u662fAI\u4e48",  # are you an AI (another particle)
        "我的视频生成失败了吗\uff1f",  # did my video fail to generate?
        "生成视频免费吗\uff1f",  # is generating a video free?
        "生成影片免費嗎\uff1f",  # the same, in Traditional characters
        "生成一个视频的价格是多少\uff1f",  # what does a video cost?
        "生成视频有限制吗\uff1f",  # is there a limit on videos?
        "今天生成次数用完了吗\uff1f",  # have I used up today's videos?
        "你能做什么",  # what can you do (no question mark)
        "请问好了吗\uff1f",  # is it done, please?
        "請問好了嗎\uff1f",  # the same, in Traditional characters
        "渲染完成了吗\uff1f",  # has the render finished?
        "做好了没有\uff1f",  # is it done or not?
        "是不是失败了\uff1f",  # did it fail?
        "费用是多少\uff1f",  # what does it cost?
        "能免费用吗\uff1f",  # can it be used for free?
        "生成一个视频要多久\uff1f",  # how long does a video take?
        "怎么取消视频\uff1f",  # how do I cancel a video?
        "每天能生成几个视频\uff1f",  # how many videos a day?
        "每天能做几个视频\uff1f",  # how many videos a day (with 做, "make")?
        "一次能做几段视频\uff1f",  # how many videos at once?
        "你都能做什么\uff1f",  # what all can you do?
        "为什么不能生成\uff1f",  # why can't it make one?
        "我的视频怎么还没好",  # why isn't my video done (no mark)
        "视频好了没",  # is the video done or not
        "渲染进度怎么样了\uff1f",  # how is the render going?
        "这个机器人是免费的吗\uff1f",  # is this bot free?
        "视频最长可以多少秒\uff1f",  # how long can a video be?
        "怎么取消我的视频",  # how do I cancel my video (no mark)
        "我还有多少额度",  # how much quota do I have left
        "我的积分怎么少了",  # why are my credits lower
        "视频还要多久",  # how much longer for the video
        "视频生成失败怎么办",  # what if making the video fails
        "你是谁",  # who are you
        "你是什么模型",  # what model are you
        "怎么上传图片\uff1f",  # how do I upload a picture?
        "你支持4k吗\uff1f",  # do you support 4K?
    ],
)
def test_a_chinese_question_about_the_bot_or_thanks_is_no_prompt(text):
    """Chinese writes a question without spaces: "@Bot where is my video?" in Chinese buys no
    video of it."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        # can you make a video of a cat surfing?
        "\u4f60\u80fd\u505a\u4e00\u4e2a\u732b\u5728\u51b2\u6d6a\u7684\u89c6\u9891\u5417\uff1f",
        # what if cats ruled the world?
        "\u5982\u679c\u732b\u7edf\u6cbb\u4e16\u754c\u4f1a\u600e\u6837\uff1f",
        # can you turn this picture into a video?
        "\u80fd\u628a\u8fd9\u5f20\u56fe\u53d8\u6210\u89c6\u9891\u5417\uff1f",
        # can you make this dog dance?
        "\u4f60\u80fd\u8ba9\u8fd9\u53ea\u72d7\u8df3\u821e\u5417\uff1f",
        # why is the sky blue? (a question, but not about the bot: as "why is the sky blue?")
        "\u4e3a\u4ec0\u4e48\u5929\u7a7a\u662f\u84dd\u8272\u7684\uff1f",
        "\u5927\u5bb6\u4e00\u8d77\u8df3\u821e",  # everyone dancing together
        "hello everyone dancing in the rain",
        "你能做一个火箭发射失败的视频吗\uff1f",  # a video of a rocket launch that failed?
        "一个没有限制的世界会是什么样子\uff1f",  # what would a world without limits look like?
        "如果猫统治世界\uff0c它们会做什么\uff1f",  # if cats ruled the world, what would they do?
        "夕阳下的海滩\uff0c能出个视频吗\uff1f",  # a beach at sunset, can you make a video?
        "一只狗在雪地里奔跑的视频好吗",  # a video of a dog running in the snow, ok?
        "Dubai\u7684\u591c\u666f\u53ef\u4ee5\u5417\uff1f",  # Dubai at night, possible?
        # Japanese: can you show me a cat surfing?
        "猫がサーフィンしているところを見せてくれますか\uff1f",
        # Japanese: a robot dancing under cherry trees?
        "桜の下でダンスするロボットはできますか\uff1f",
        # friends and a team are scenes, beside a reaction too
        "best friends",
        "good friends",
        "cute friends",
        "fire team",
        "登山者成功登顶\uff0c他看到了什么",  # the climber made it to the top: what does he see
        "宇航员做好了起飞的准备\uff0c他紧张吗\uff1f",  # the astronaut is ready: nervous?
        "妈妈做完饭\uff0c全家人开心吗\uff1f",  # mum has cooked: is the family happy?
        "孩子做完作业后在玩什么",  # after homework, what is the child playing
        "你能想象一只会飞的猫吗\uff1f",  # can you imagine a cat that flies?
        "小明跳绳的次数多吗\uff1f",  # does Xiaoming skip rope many times?
        "他敲门的次数够了吗\uff1f",  # has he knocked enough times?
        "火箭发射成功了吗",  # did the rocket launch succeed
        "the team is here",
        "best friends there",
        "fire team here",
        "怎么使用灭火器",  # how to use a fire extinguisher
        "如何使用微波炉",  # how to use a microwave
        "怎么用筷子吃面",  # eating noodles with chopsticks
        "工程进度怎么样了\uff1f",  # how is the construction going?
        "一个喇嘛",  # a lama (嘛 is no particle there)
        "机器人在跳舞吗\uff1f",  # is the robot dancing?
        "人工智能会取代人类吗\uff1f",  # will AI replace humans?
        "他在想什么",  # what is he thinking
        "谁在跳舞",  # who is dancing
        "哪吒闹海",  # Nezha conquers the sea
        "城市的夜景怎么样",  # what the city looks like at night
        "机器人在厨房做饭",  # a robot cooking in a kitchen
        "被拒绝的求婚者在雨中哭泣",  # a rejected suitor crying in the rain
        "冷却塔冒着白烟",  # a cooling tower giving off steam
        "孩子们在高速收费站前排队",  # children queueing at a toll station
        "篮球比赛积分榜前三名在庆祝",  # the league's top three celebrate
        "帮助老人过马路的人是谁",  # who helps the old man across the road
        "一架模型飞机怎么飞上天",  # how a model plane takes off
        "规则怪谈\uff1a谁是凶手",  # a rules-horror story: who is the killer
        "球迷支持哪支球队",  # which team the fans support
        "你能看到哪些星星",  # which stars you can see
    ],
)
def test_a_chinese_request_worded_as_a_question_is_still_a_prompt(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "能不能生成一个小猫钓鱼的视频\uff1f",  # could you make a video of a kitten fishing?
        "你能不能生成一段海浪拍打礁石的视频\uff1f",  # could you make waves hitting rocks?
        "能不能生成一只猫在月球上跳舞",  # could you make a cat dancing on the moon
        "能不能生成宇航员在月球上漫步的画面吗",  # could you make an astronaut on the moon?
    ],
)
def test_a_chinese_request_asked_as_can_or_cannot_is_still_a_prompt(text):
    """能不能生成 X ("can or can't you make X") asks for X as 能生成 X 吗 does; it is not
    不能生成 ("it can't make one"), a complaint about the service."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "能不能生成视频\uff1f",  # can you make videos at all?
        "能不能生成\uff1f",  # can you make one?
        "能不能生成视频了\uff1f",  # can you make videos now?
        "能不能生成视频呀\uff1f",  # can you make videos (softened)?
        "能不能生成一下\uff1f",  # could you make one?
        "为什么不能生成视频\uff1f",  # why can't it make videos?
        "我不能生成视频了吗\uff1f",  # can I no longer make videos?
    ],
)
def test_asking_whether_videos_can_be_made_at_all_is_still_a_question(text):
    """Nothing to film after 能不能生成, or a real 不能生成: the help, no paid video."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it still rendering?",
        "is it still processing?",
        "why is it still queued?",
        "why is it still waiting?",
        "are you still rendering?",
        "how long is the wait?",
        "how long is the queue?",
        "how much time is left?",
        "how long is left?",
        "is this still queued?",
        "why is that still waiting?",
        "how much longer is the wait?",
    ],
)
def test_a_question_in_the_status_messages_own_words_is_no_prompt(text):
    """The status says "rendering", "queued", "waiting", "time left": a member asking in its
    words ("@Bot is it still rendering?") while the video waits buys no video of that."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it going to rain?",
        "why is the dog still waiting?",
        "is the queue at the bakery long?",
        "is it turning left?",
        # a scene's own waiting and queues, asked about
        "what is that dog waiting for?",
        "who is this man waiting for?",
        "what is that girl waiting for at the station?",
        "how long is the queue at the bakery?",
        "how much cake is left?",
    ],
)
def test_waiting_in_a_scene_is_still_a_prompt(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        # the Chinese of "beautiful", "perfect", "awesome", "lol" and "thanks for sharing",
        # which read as chatter in English
        "太美了",
        "好美",
        "哇\uff0c好美",
        "完美",
        "太完美了",
        "棒极了",
        "优秀",
        "给力",
        "太强了",
        "点赞",
        "笑死",
        "笑死我了",
        "hhhh",
        "哇哦",
        "好耶",
        "妙啊",
        "yyds",
        "感谢分享",
        "谢啦",
        "谢了兄弟",
        "谢谢老师",
        "收到",
        # greetings and "testing", "are you there"
        "早上好",
        "晚上好",
        "测试",
        "在不在",
    ],
)
def test_everyday_chinese_reactions_under_a_result_buy_no_video(text):
    """ "@Bot 太美了" under a result is "@Bot beautiful": no paid video of the words."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "美丽的花园",
        "一个完美的日落",
        "强风中的树",
        "收到礼物的小孩",
        "哈哈镜前的猫",
        "测试飞行的火箭",
    ],
)
def test_a_scene_holding_those_words_still_makes_a_video(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "怎么生成视频\uff1f",  # how do I make a video?
        "如何生成视频",  # how to make a video
        "请问怎么做视频\uff1f",  # how do I make a video, please?
        "我该怎么生成一个视频\uff1f",  # how should I make a video?
        "怎麼生成影片\uff1f",  # the same, in Traditional characters
    ],
)
def test_asking_in_chinese_how_to_make_a_video_gets_the_help(text):
    """ "@Bot how do I make a video?" gets the help; its Chinese must not buy a video of it."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    ["怎么做一只会飞的猫\uff1f", "如何生成一段下雪的城市视频", "怎么生成视频里的烟花效果\uff1f"],
)
def test_asking_how_to_make_something_to_film_is_still_a_prompt(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "咋用",  # how is it used (colloquial, no mark)
        "咋用啊",
        "怎么用",  # how is it used (no mark)
        "这个怎么用",  # how is this used
        "请问咋用",
        "咋做视频",  # how do I make a video (colloquial, no mark)
        "咋生成视频",
        "为什么没反应",  # why no response
        "为啥没反应",
        "怎么没反应",
        "咋没反应",
        "你怎么没反应",
        "多久能好",  # how long until it is done
        "还要多久能好",
        "视频多久能好",
    ],
)
def test_colloquial_chinese_questions_about_the_bot_get_the_help(text):
    """ "@Bot 咋用" is "@Bot how do I use this", "@Bot 为什么没反应" is "why no response", "@Bot
    多久能好" is "how long until it's done": the help, no paid video of the question."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "感谢分享啊",
        "感谢分享呀",
        "感谢分享哈",
        "感谢分享了",
        "感谢分享!",
        "感谢分享\uff5e",
        "感谢分享喔",  # "oh", as written in Taiwan
        "感謝分享喔",
        "啊\uff0c感谢分享\uff01",
    ],
)
def test_thanks_for_sharing_with_fillers_is_no_prompt(text):
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "一只咋咋呼呼的鹦鹉",  # a blustering parrot
        "咋咋呼呼的小孩在公园里跑",  # a noisy child running in a park
        "咋用筷子吃面",  # eating noodles with chopsticks, colloquially
        "多久以前的城市",  # a city of long ago
        "被叫醒的猫为什么没反应",  # why the woken cat does not react
        "病人多久能好起来\uff0c医生在病房里踱步",  # a doctor pacing: when will the patient heal
        "喔喔叫的公鸡",  # a crowing rooster
    ],
)
def test_scenes_holding_those_colloquial_words_are_still_prompts(text):
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        # the Simplified questions above, as Taiwan writes them (Traditional, Taiwan wording)
        "你能做什麼\uff1f",  # what can you do?
        "你是AI嗎\uff1f",  # are you an AI?
        "影片好了嗎",  # is the video done (no question mark)
        "這個要多少積分\uff1f",  # how many credits?
        "我的影片做好了嗎\uff1f",  # is my video done?
        "影片做完了嗎\uff1f",  # is the video finished?
        "我的影片生成好了嗎\uff1f",  # has my video been made?
        "我的影片生成失敗了嗎\uff1f",  # did my video fail to generate?
        "生成一個影片的價格是多少\uff1f",  # what does a video cost?
        "生成影片有限制嗎\uff1f",  # is there a limit on videos?
        "今天生成次數用完了嗎\uff1f",  # have I used up today's videos?
        "渲染完成了嗎\uff1f",  # has the render finished?
        "做好了沒有\uff1f",  # is it done or not?
        "是不是失敗了\uff1f",  # did it fail?
        "費用是多少\uff1f",  # what does it cost?
        "生成一個影片要多久\uff1f",  # how long does a video take?
        "怎麼取消影片\uff1f",  # how do I cancel a video?
        "每天能生成幾個影片\uff1f",  # how many videos a day?
        "每天能做幾個影片\uff1f",  # how many videos a day (with 做, "make")?
        "一次能做幾段影片\uff1f",  # how many videos at once?
        "你都能做什麼\uff1f",  # what all can you do?
        "為什麼不能生成\uff1f",  # why can't it make one?
        "我的影片怎麼還沒好",  # why isn't my video done (no mark)
        "影片好了沒",  # is the video done or not
        "渲染進度怎麼樣了\uff1f",  # how is the render going?
        "這個機器人是免費的嗎\uff1f",  # is this bot free?
        "影片最長可以多少秒\uff1f",  # how long can a video be?
        "怎麼取消我的影片",  # how do I cancel my video (no mark)
        "我還有多少額度",  # how much quota do I have left
        "我的積分怎麼少了",  # why are my credits lower
        "影片還要多久",  # how much longer for the video
        "影片生成失敗怎麼辦",  # what if making the video fails
        "你是誰",  # who are you
        "你是什麼模型",  # what model are you
        "怎麼上傳圖片\uff1f",  # how do I upload a picture?
        "你支援4K嗎\uff1f",  # do you support 4K? (支援, as Taiwan says "support")
        "請問怎麼做影片\uff1f",  # how do I make a video, please?
        "我該怎麼生成一個影片\uff1f",  # how should I make a video?
        "如何生成影片",  # how to make a video
        "這個怎麼用",  # how is this used
        "請問咋用",  # how is it used, please
        "為啥沒反應",  # why no response
        "你怎麼沒反應",  # why don't you respond
        "還要多久能好",  # how long until it is done
        "能不能生成影片\uff1f",  # can you make videos at all?
        "為什麼不能生成影片\uff1f",  # why can't it make videos?
        "我不能生成影片了嗎\uff1f",  # can I no longer make videos?
    ],
)
def test_the_chinese_questions_in_traditional_characters_get_the_help_too(text):
    """A member in Taiwan or Hong Kong asks as a mainland one does, in Traditional
    characters: "@Bot 你是誰" buys no video of the question either."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "我還有多少點數\uff1f",  # how many credits (點數, "points") do I have left?
        "我的點數剩多少",  # how many of my credits are left
        "剩餘點數怎麼查\uff1f",  # how do I check my remaining credits?
        "點數用完了怎麼辦",  # what now that my credits are used up
        "點數什麼時候會重置\uff1f",  # when do credits reset?
        "可以退點數嗎\uff1f",  # can I get my credits back?
        "失敗的影片會退點數嗎\uff1f",  # are credits returned for a failed video?
        "一支影片要扣幾點\uff1f",  # how many points does a video take?
        "這次扣了多少\uff1f",  # how much did this one take?
        "扣了多少",  # how much was taken (no mark)
        "怎麼儲值\uff1f",  # how do I top up?
        "儲值要去哪裡",  # where do I top up
        "我的額度還剩多少\uff1f",  # how much of my quota is left?
        "還剩幾次\uff1f",  # how many (videos) are left?
        "我還剩幾次",  # how many do I have left (no mark)
        "影片做好了沒\uff1f",  # is the video done yet?
        "做好了沒",  # done yet? (no mark)
        "我的影片呢\uff1f",  # where is my video?
        "我的影片呢",  # where is my video (no mark)
        "影片卡住了嗎\uff1f",  # is the video stuck?
        "怎麼還沒好\uff1f",  # why isn't it done yet?
        "要多久\uff1f",  # how long?
        "要多久",  # how long (no mark)
        "還要等多久\uff1f",  # how much longer to wait?
        "請問還要等多久啊",  # how much longer, please
        "為什麼沒反應\uff1f",  # why no response?
        "為什麼都沒有回應",  # why no answer at all
        "你怎麼都不回我",  # why don't you answer me
        "怎麼用\uff1f",  # how is it used?
        "這個機器人怎麼用\uff1f",  # how is this bot used?
        "請問這個怎麼用",  # how is this used, please
        "冷卻時間是多久\uff1f",  # how long is the cooldown?
        "冷卻還要多久",  # how much longer is the cooldown
        "免費嗎\uff1f",  # is it free?
        "這個機器人要錢嗎\uff1f",  # does this bot cost money?
        "你們支援哪些解析度\uff1f",  # which resolutions (解析度) do you support?
        "一天可以做幾支影片\uff1f",  # how many videos (支, Taiwan's measure word) a day?
        "能不能生成一支影片\uff1f",  # can you make a video at all?
        "為什麼我的影片被拒絕了",  # why was my video refused
        "我的影片跑完了沒",  # has my video finished rendering
        "妳是誰\uff1f",  # who are you? (妳, "you" said to a "she")
        "妳能做甚麼\uff1f",  # what can you do? (甚麼, another way to write "what")
    ],
)
def test_questions_in_taiwan_wording_about_credits_and_videos_get_the_help(text):
    """Taiwan says 點數 (points) and 額度 for credits, 儲值 for topping up, 影片 for video,
    做好了沒 for "done yet?": "@Bot 我還有多少點數?" must not spend the points it asks about."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        # the Simplified scenes above, as Taiwan writes them
        "一隻貓在月球上跳舞",  # a cat dancing on the moon
        "如果恐龍還活著會怎樣\uff1f",  # what if dinosaurs were still alive?
        "機器人在跳舞嗎\uff1f",  # is the robot dancing?
        "小貓在跳舞",  # a kitten dancing
        "機器人",  # a robot
        "貓的影片",  # a video of a cat
        "一隻小狗在海邊奔跑",  # a puppy running on the beach
        "你能做一個貓在衝浪的影片嗎\uff1f",  # can you make a video of a cat surfing?
        "如果貓統治世界會怎樣\uff1f",  # what if cats ruled the world?
        "能把這張圖變成影片嗎\uff1f",  # can you turn this picture into a video?
        "你能讓這隻狗跳舞嗎\uff1f",  # can you make this dog dance?
        "為什麼天空是藍色的\uff1f",  # why is the sky blue?
        "你能做一個火箭發射失敗的影片嗎\uff1f",  # a video of a rocket launch that failed?
        "一個沒有限制的世界會是什麼樣子\uff1f",  # what would a world without limits look like?
        "如果貓統治世界\uff0c牠們會做什麼\uff1f",  # if cats ruled the world, what would they do?
        "夕陽下的海灘\uff0c能出個影片嗎\uff1f",  # a beach at sunset, can you make a video?
        "一隻狗在雪地裡奔跑的影片好嗎",  # a video of a dog running in the snow, ok?
        "登山者成功登頂\uff0c他看到了什麼",  # the climber made it to the top: what does he see
        "太空人做好了起飛的準備\uff0c他緊張嗎\uff1f",  # the astronaut is ready: nervous?
        "媽媽做完飯\uff0c全家人開心嗎\uff1f",  # mum has cooked: is the family happy?
        "孩子做完作業後在玩什麼",  # after homework, what is the child playing
        "你能想像一隻會飛的貓嗎\uff1f",  # can you imagine a cat that flies?
        "小明跳繩的次數多嗎\uff1f",  # does Xiaoming skip rope many times?
        "他敲門的次數夠了嗎\uff1f",  # has he knocked enough times?
        "火箭發射成功了嗎",  # did the rocket launch succeed
        "怎麼使用滅火器",  # how to use a fire extinguisher
        "怎麼用筷子吃麵",  # eating noodles with chopsticks
        "工程進度怎麼樣了\uff1f",  # how is the construction going?
        "一個喇嘛",  # a lama
        "人工智慧會取代人類嗎\uff1f",  # will AI replace humans?
        "他在想什麼",  # what is he thinking
        "誰在跳舞",  # who is dancing
        "哪吒鬧海",  # Nezha conquers the sea
        "城市的夜景怎麼樣",  # what the city looks like at night
        "機器人在廚房做飯",  # a robot cooking in a kitchen
        "被拒絕的求婚者在雨中哭泣",  # a rejected suitor crying in the rain
        "冷卻塔冒著白煙",  # a cooling tower giving off steam
        "孩子們在高速公路收費站前排隊",  # children queueing at a toll station
        "籃球比賽積分榜前三名在慶祝",  # the league's top three celebrate
        "幫助老人過馬路的人是誰",  # who helps the old man across the road
        "一架模型飛機怎麼飛上天",  # how a model plane takes off
        "規則怪談\uff1a誰是兇手",  # a rules-horror story: who is the killer
        "球迷支持哪支球隊",  # which team the fans support
        "能不能生成一個小貓釣魚的影片\uff1f",  # could you make a video of a kitten fishing?
        "能不能生成一支海浪拍打礁石的影片\uff1f",  # could you make waves hitting rocks?
        "怎麼做一隻會飛的貓\uff1f",  # how to make a cat that flies?
        "怎麼生成影片裡的煙火效果\uff1f",  # how to make the fireworks in the video?
        "被叫醒的貓為什麼沒反應",  # why the woken cat does not react
        "病人多久能好起來\uff0c醫生在病房裡踱步",  # a doctor pacing: when will the patient heal
        # Taiwan's words of the service, in a scene
        "兩顆骰子的點數加起來是多少\uff1f",  # what do two dice add up to?
        "剩下的蛋糕去哪了\uff1f",  # where did the leftover cake go?
        "一張儲值卡掉在捷運站的地上",  # a stored-value card dropped in an MRT station
        "他的傷為什麼還沒好\uff0c醫生皺著眉頭看著X光片",  # a doctor frowning at an X-ray
        "一副牌的點數是多少\uff1f",  # what are the points of a hand of cards?
        "两颗骰子的点数加起来是多少\uff1f",  # the same dice, in Simplified characters
        # the words that ask alone, beside something to film
        "做蛋糕要多久\uff1f",  # how long does a cake take?
        "女孩問男孩你為什麼不理我",  # a girl asks a boy why he ignores her
        "他扣籃成功了嗎\uff1f",  # did he make the dunk?
        "電影片段裡的人在幹什麼",  # what the people in the film clip are doing
    ],
)
def test_scenes_in_traditional_characters_are_still_prompts(text):
    """Folding Traditional characters into Simplified ones reads a question as the mainland
    one; a scene stays a scene: "@Bot 機器人在跳舞嗎\uff1f" still makes its video."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "侦探在白板前整理重点数据\uff0c推理谁是凶手",  # key data (重点 + 数据): who is the killer
        "一位老师讲解重点数学公式\uff0c学生们思考如何解题",  # key maths formulas (重点 + 数学)
        "夜空中的星星多得有点数不清\uff0c小女孩问天上有多少颗星星\uff1f",  # too many to count
        "镜头扫过地图\uff0c旁白问\uff1a这座城市的景点数量有多少\uff1f",  # how many sights (景点)
        "一個偵探整理重點數據\uff0c推理誰是兇手",  # the detective, in Traditional characters
    ],
)
def test_points_that_are_the_edges_of_two_words_are_no_credits(text):
    """点数 is Taiwan's word for credits, but 点 ends words (重点 "key", 景点 "sight", 有点 "a
    bit") and 数 begins them (数据 "data", 数学 "maths", 数不清 "countless"): a scene asking a
    question with them in it is still a prompt, not the help in its place."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "我还有点数吗\uff1f",  # do I still have credits?
        "我的点数不够了怎么办",  # what now that my credits are not enough
        "我還有點數嗎\uff1f",  # do I still have credits? (Traditional)
    ],
)
def test_credits_beside_those_words_are_still_asked_about(text):
    """The words beside 点数 that make it part of another word do not hide a question about
    credits: "有点数" with a question after it, "点数不够"."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "who made this bot?",
        "hey, who made you?",
        "who is your creator?",
        "who is the developer?",
        "who's your dev",
        "who is behind this?",
        "what is your name?",
        "what's your name",
        "what are you called?",
        "tell me about yourself",
        "introduce yourself",
        "who r u",
        "what r u",
        "are you a bot",
        "are you a robot?",
        "are you an ai",
        "are you human",
        "r u a bot?",
        "is this omni flash?",
        "what model",
        "what model is this?",
        "what engine do you use?",
        "what api do you use?",
        "what do you use to make videos?",
        "what are you built on?",
        "what model made this video?",
        "what can you make?",
        "what kind of videos can you make?",
        "what are your features?",
        "what are the commands?",
        "commands?",
        "i need help",
        "do i have to pay?",
    ],
)
def test_a_question_to_the_bot_about_itself_gets_the_help(text):
    """Who made it, what it is, which model, what it can do, whether it costs: no paid video."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "这个机器人是谁做的",
        "这个机器人是谁做的\uff1f",
        "谁做的你",
        "谁创造了你",
        "谁是你的作者",
        "你的开发者是谁",
        "这个机器人是哪家公司做的",
        "这是谁的机器人",
        "你叫什么名字",
        "介绍一下你自己",
        "自我介绍一下",
        "你是不是机器人",
        "你是机器人吧",
        "你是真人还是机器人",
        "用的什么模型",
        "你用的是什么模型",
        "这是什么模型",
        "什么模型",
        "你是用什么模型生成的",
        "你用什么生成视频",
        "你能生成什么",
        "你可以生成什么视频",
        "这个机器人能做什么",
        "你会什么",
        "你能干啥",
        "你有哪些功能\uff1f",
        "有哪些指令",
        "使用说明",
        "怎么玩",
        "我需要帮助",
        "帮帮我",
        "求助",
        "需要付钱吗",
        "收不收费",
        "是不是免费的",
    ],
)
def test_a_chinese_question_to_the_bot_about_itself_gets_the_help(text):
    """ "Who made this bot?", "what model is it?", "what can you do?" in Simplified Chinese."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "這個機器人是誰做的",
        "這個機器人是誰做的\uff1f",
        "誰做的你",
        "誰創造了你",
        "你的開發者是誰",
        "你叫什麼名字",
        "介紹一下你自己",
        "你是不是機器人",
        "你是機器人嗎",
        "妳是人工智慧嗎",  # Taiwan: AI is 人工智慧, and "you" may be 妳
        "用的什麼模型",
        "你用的是什麼模型",
        "這是什麼模型",
        "你是用什麼模型生成的",
        "你用什麼生成影片",  # Taiwan: a video is 影片
        "你能生成什麼",
        "這個機器人可以做什麼",
        "你會什麼",
        "你能幹啥",
        "你有哪些功能",
        "使用說明",
        "教學",
        "我需要幫助",
        "幫幫我",
        "需要付錢嗎",
        "收不收費",
        "是不是免費的",
    ],
)
def test_a_traditional_question_to_the_bot_about_itself_gets_the_help(text):
    """The same questions in Traditional characters and Taiwan's words."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "a robot asking who made it, cinematic",
        "a kid asking what can you do in space",
        "robot asking who made it",
        "what can you do in space?",
        "who made the pyramids?",
        "who made this cake?",
        "who is the creator of the universe?",
        "who are you, says the owl to the fox",
        "what is your name, little fox?",
        "are you a robot? asks the little girl to the android",
        "are you real, asks the mirror",
        "what model of car is this",
        "what engine powers a rocket",
        "help me escape the dungeon",
        "i need help carrying the piano up the stairs",
        "introduce yourself to the dragon, knight",
        "commands shouted across a battlefield",
        "一个机器人问是谁做了它\uff0c电影感",
        "一個機器人問是誰做了它\uff0c電影感",
        "一个小孩在太空中问你能做什么",
        "一個小孩在太空中問你能做什麼",
        "机器人在工厂里被谁制造出来",
        "帮帮我\uff0c小狗在河里喊救命",
        "幫幫我\uff0c小狗在河裡喊救命",
        "老师在黑板上写使用说明",
        "男孩对女孩说你叫什么名字",
        "男孩對女孩說你叫什麼名字",
        "谁做的蛋糕最好吃",
        "用什么做的蛋糕\uff0c特写",
        "一个程序员在介绍自己的机器人",
        # under a picture of a cat, asked of the cat: a video of what it does
        "what will it do?",
        "它能做什么",
    ],
)
def test_a_scene_holding_a_question_about_the_bot_is_still_a_prompt(text):
    """Who made it, what it can do, its name: asked in a scene, they are filmed and paid for."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "小狗问你是谁",  # a puppy asks "who are you"
        "一只猫问\uff1a你是谁\uff1f",
        "一隻貓問\uff1a你是誰\uff1f",
        "女孩问男孩你是谁\uff1f",
        "小狗问你能做什么",  # a puppy asks "what can you do"
        "小狗問你能做什麼",
    ],
)
def test_who_are_you_said_by_someone_in_a_scene_is_a_prompt(text):
    """ "A puppy asks: who are you?" is filmed, as it is in English; only the question that
    starts the message is put to the bot."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "你好\uff0c你是谁",
        "請問你是誰\uff1f",
        "请问你能做什么呀",
        "机器人你能做什么",
        "你是哪个版本",
    ],
)
def test_who_are_you_put_to_the_bot_after_a_greeting_still_gets_the_help(text):
    """A greeting, "请问" or the bot's name before the question leaves it a question."""
    assert is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    [
        "这是一个机器人",
        "它是一个机器人",
        "這是一個機器人",
        "它是一個機器人",
        "它是一个人工智能",
        "这是一个程序",
        "这是一个人",
    ],
)
def test_this_is_a_robot_said_not_asked_is_a_prompt(text):
    """ "This is a robot" (这是一个机器人) says what a picture or scene holds, as "this is a
    robot" does in English: only asked (吗, 是不是, 还是, a question mark) is it about the bot."""
    assert not is_bare_prompt(text)


@pytest.mark.parametrize(
    "text",
    ["这是机器人吗", "这是一个机器人\uff1f", "它是真人还是机器人", "这是不是ai", "這是真人嗎"],
)
def test_is_this_a_robot_asked_still_gets_the_help(text):
    """The same words asked are a question about the bot."""
    assert is_bare_prompt(text)
