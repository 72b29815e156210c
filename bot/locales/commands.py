"""Chinese names and descriptions of slash commands, options and choices: Simplified
(`ZH_COMMANDS`, for zh-CN clients) and Traditional with Taiwan wording (`ZH_TW_COMMANDS`, zh-TW).

Keyed by the English text in the code; Discord shows these to members whose client is in
Chinese. Names must be lowercase, without spaces, at most 32 characters, and unique among
their siblings in each language.
"""

from bot.locales import cost, moderation, reach, references

ZH_COMMANDS: dict[str, str] = {
    # /video
    "video": "视频",
    "Make a short video from a prompt": "根据提示词生成短视频",
    "prompt": "提示词",
    "Describe the scene, subject, action, camera, style and sound": "描述场景、主体、动作、镜头、风格和声音",
    "duration": "时长",
    "Length of the video (not used with a reference video)": "视频时长（使用参考视频时不可用）",
    "resolution": "分辨率",
    "Picture quality (higher takes longer)": "画质（越高耗时越长）",
    "aspect_ratio": "画面比例",
    "Landscape or portrait": "横屏或竖屏",
    "image": "图片",
    "An image: the first frame, or a reference": "一张图片：作为首帧或参考图",
    "image2": "图片2",
    "Second reference image (use three images to fuse them)": "第二张参考图（用三张图片时会将它们融合）",
    "image3": "图片3",
    "Third reference image": "第三张参考图",
    "mode": "模式",
    "How to use one image: as the first frame, or as a reference": "单张图片的用法：作为首帧或参考图",
    "A reference video for motion (sets the length)": "控制动作的参考视频（决定时长）",
    "4 seconds": "4 秒",
    "6 seconds": "6 秒",
    "8 seconds": "8 秒",
    "10 seconds": "10 秒",
    "720p": "720p",
    "1080p": "1080p",
    "4K": "4K",
    "16:9 landscape": "16:9 横屏",
    "9:16 portrait": "9:16 竖屏",
    "First frame": "首帧",
    "Reference": "参考",
    # /videos
    "videos": "我的视频",
    "Your videos": "你的视频",
    "history": "历史",
    "Your last videos and how they went": "你最近的视频及其状态",
    "1 for your newest videos, 2 for older ones, and so on": "1 为你最新的视频，2 为更早的，依此类推",
    "status": "状态",
    "Where one of your videos is": "查看某个视频的进度",
    "job": "任务",
    "The job number, e.g. 12": "任务编号，例如 12",
    "cancel": "取消",
    "Cancel one of your unfinished videos": "取消一个未完成的视频",
    "help": "帮助",
    "How to make a video": "如何生成视频",
}

# Feature areas keep their own command texts; the entries above win on a clash.
for _area in (moderation, references, cost, reach):
    for _english, _chinese in _area.ZH_COMMANDS.items():
        ZH_COMMANDS.setdefault(_english, _chinese)

# Traditional Chinese (Taiwan wording) for zh-TW clients, keyed the same way.
ZH_TW_COMMANDS: dict[str, str] = {
    # /video
    "video": "影片",
    "Make a short video from a prompt": "根據提示詞生成短影片",
    "prompt": "提示詞",
    "Describe the scene, subject, action, camera, style and sound": "描述場景、主體、動作、鏡頭、風格和聲音",
    "duration": "時長",
    "Length of the video (not used with a reference video)": "影片時長（使用參考影片時不可用）",
    "resolution": "解析度",
    "Picture quality (higher takes longer)": "畫質（越高耗時越長）",
    "aspect_ratio": "畫面比例",
    "Landscape or portrait": "橫向或直向",
    "image": "圖片",
    "An image: the first frame, or a reference": "一張圖片：作為首影格或參考圖",
    "image2": "圖片2",
    "Second reference image (use three images to fuse them)": "第二張參考圖（用三張圖片時會將它們融合）",
    "image3": "圖片3",
    "Third reference image": "第三張參考圖",
    "mode": "模式",
    "How to use one image: as the first frame, or as a reference": "單張圖片的用法：作為首影格或參考圖",
    "A reference video for motion (sets the length)": "控制動作的參考影片（決定時長）",
    "4 seconds": "4 秒",
    "6 seconds": "6 秒",
    "8 seconds": "8 秒",
    "10 seconds": "10 秒",
    "720p": "720p",
    "1080p": "1080p",
    "4K": "4K",
    "16:9 landscape": "16:9 橫向",
    "9:16 portrait": "9:16 直向",
    "First frame": "首影格",
    "Reference": "參考",
    # /videos
    "videos": "我的影片",
    "Your videos": "你的影片",
    "history": "歷史",
    "Your last videos and how they went": "你最近的影片及其狀態",
    "1 for your newest videos, 2 for older ones, and so on": "1 為你最新的影片，2 為更早的，依此類推",
    "status": "狀態",
    "Where one of your videos is": "檢視某個影片的進度",
    "job": "任務",
    "The job number, e.g. 12": "任務編號，例如 12",
    "cancel": "取消",
    "Cancel one of your unfinished videos": "取消一個未完成的影片",
    "help": "說明",
    "How to make a video": "如何生成影片",
}

for _area in (moderation, references, cost, reach):
    for _english, _chinese in _area.ZH_TW_COMMANDS.items():
        ZH_TW_COMMANDS.setdefault(_english, _chinese)

# Commands and options that sentences name as `{/videos status}` or `{opt_duration}`
# (`bot.i18n` fills them in from the names above, so sentences and the client agree).
COMMAND_PATHS: tuple[str, ...] = (
    "video",
    "videos",
    "videos history",
    "videos status",
    "videos cancel",
    "videos quota",
    "videos help",
    "videomod",
    "videomod limits show",
    "videomod limits set",
    "videomod words add",
    "videomod words remove",
    "videomod words list",
    "videomod jobs",
    "videomod usage",
    "videomod cancel",
    "videomod budget",
    "videomod confirm",
    "videomod member clear",
    "videomod block",
    "videomod role set",
    "videomod role clear",
    "videomod options restrict",
    "videomod options open",
    "videomod resume",
    "videomod modlog",
    "videomod modrole",
    "videomod audit",
)
OPTION_NAMES: tuple[str, ...] = (
    "prompt",
    "duration",
    "resolution",
    "aspect_ratio",
    "image",
    "mode",
    "video",
    "job",
    "member",
    "page",
)
