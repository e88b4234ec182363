"""The command menu and /help, per role, from one table."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from transtutor_bot.i18n import LANGUAGES, Translator

# (command, English description, Chinese description, roles that have it)
STUDENT = ("student", "instructor", "coordinator", "admin")
COMMANDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("next", "A new exercise for you", "获取一道新练习", STUDENT),
    ("hint", "A hint for the open exercise", "当前练习的提示", STUDENT),
    ("skip", "Skip the open exercise", "跳过当前练习", STUDENT),
    ("progress", "Your mastery per outcome", "查看各学习成果掌握度", STUDENT),
    ("lang", "English / 中文", "切换语言 English / 中文", STUDENT),
    ("help", "What I can do", "查看全部功能", STUDENT),
    ("start", "Welcome and join a cohort", "欢迎与加入班级", STUDENT),
]


def commands_for(role: str, language: str) -> list[BotCommand]:
    column = 1 if language == "en" else 2
    return [
        BotCommand(command=row[0], description=row[column]) for row in COMMANDS if role in row[3]
    ]


def help_text(t: Translator, role: str) -> str:
    return "\n".join([t("help.header"), "", t("help.student")])


async def install_menus(bot: Bot, privileged: dict[int, str]) -> None:
    """Default menu for students in both languages; per-chat menus for other roles."""
    for language in LANGUAGES:
        code = None if language == "en" else language
        await bot.set_my_commands(
            commands_for("student", language), scope=BotCommandScopeDefault(), language_code=code
        )
    for user_id, role in privileged.items():
        await bot.set_my_commands(
            commands_for(role, "en"), scope=BotCommandScopeChat(chat_id=user_id)
        )
