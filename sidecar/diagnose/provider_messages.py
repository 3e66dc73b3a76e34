"""A provider's documented error *message* -> its documented code, for errors whose code was lost.

openai >= 1.x builds the exception text from the body's `error.message` only ("Error code: 429 - <message>",
openai/_base_client.py `_make_status_error_from_response`), so a Z.ai business code (`error.code`) or a
Moonshot error type (`error.type`) sent through the OpenAI-compatible client never reaches the log. Both
owners document the message that goes with each code, so the message says which code it was:
- Z.ai: https://docs.z.ai/api-reference/api-code (English) and https://docs.bigmodel.cn/cn/api/api-code
  (the same table in Chinese, which the API answers in for many accounts). `${field}`-style placeholders are
  matched as any short text; only the fixed words are used.
- Moonshot: https://platform.moonshot.ai/docs/api/chat, "error explanation" (type + message per status).

Decisions:
- A message is weaker evidence than the code itself (a proxy or another OpenAI-compatible service can say
  the same words), so an entry maps to the code and the code table (codes.py) gives the text, but the
  confidence is lower than for the code (code_verdict.py `MESSAGE_CODE`), and it only applies when the record
  names that provider (its host, logger, package or model): Z.ai messages under GLM, Moonshot's under Kimi.
- Codes whose documented message is a generic word (1000 "Authentication failed", 1100, 1200, 1230) have no
  entry: the HTTP status class answers those.
- Moonshot's invalid_request_error messages are in codes.py (MOONSHOT_INVALID_REQUEST) already.
"""

from __future__ import annotations

import re

# (Z.ai business code, documented message: English | Chinese)
ZAI_MESSAGES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((code, re.compile(rx, re.I)) for code, rx in (
    # the API also says "Authorization" where the table says "Authentication", with or without a space before Chinese
    ("1001", r"(?:Authentication|Authorization) parameter (?:was )?not received in (?:the )?Header|"
             r"Header ?中未收到 ?(?:Authentication|Authorization) ?参数"),
    ("1002", r"Invalid (?:Authentication|Authorization) Token|(?:Authentication|Authorization) Token ?非法"),
    ("1003", r"(?:Authentication|Authorization) Token (?:has )?expired|(?:Authentication|Authorization) Token ?已过期"),
    ("1004", r"Authentication failed (?:with|for|through) the (?:provided )?(?:Authentication|Authorization) Token|"
             r"通过 ?(?:Authentication|Authorization) Token ?的验证失败"),
    ("1110", r"account is currently inactive|账户当前处于非活动状态"),
    ("1111", r"account does not exist|您的账户不存在"),
    ("1112", r"account has been locked, please contact customer service|账户已被锁定"),
    ("1113", r"account is in arrears|账户已欠费|余额不足|无可用资源包|insufficient balance|no (?:available )?resource package"),
    ("1120", r"Unable to successfully access your account|无法成功访问您的账户"),
    ("1121", r"locked due to (?:irregular|violation)|账户存违规行为"),
    ("1210", r"Incorrect API call parameters|API 调用参数有误"),
    ("1211", r"Model does not exist, please check the model code|Unknown Model, please check the model code|模型不存在"),
    ("1212", r"does not support the \S{1,40} call method|当前模型不支持 ?\S{1,40} ?调用方式"),
    ("1213", r"parameter was not received (?:properly|correctly)|未正常接收到 ?\S{1,40} ?参数"),
    ("1214", r"parameter is illegal|参数非法"),
    ("1215", r"cannot be set at the same time|不能同时设置"),
    ("1220", r"You do not have permission to access|您无权访问"),
    ("1221", r"API \S{1,60} has been taken offline|API \S{1,60} 已下线"),
    ("1222", r"API \S{1,60} does not exist|API \S{1,60} 不存在"),
    ("1231", r"You already have a request|您已有请求"),
    ("1234", r"Network error, error id|网络错误[,，] ?错误id"),
    ("1261", r"Prompt exceeds max(?:imum)? length|Prompt 超长"),
    ("1300", r"API call (?:was )?blocked by policy|API 调用被策略阻止"),
    ("1301", r"(?:unsafe|sensitive) (?:or sensitive )?content|不安全或敏感内容"),
    ("1302", r"High concurrency usage of this API|并发数过高"),
    ("1303", r"High frequency usage of this API|频率过高"),
    ("1304", r"daily call limit|今日调用次数限额"),
    ("1305", r"API traffic limit|service may be temporarily overloaded|触发流量限制"),
    ("1308", r"Usage limit reached for|的使用上限。?您的限额将在"),
    ("1309", r"Coding Plan (?:package )?has expired|Coding Plan 套餐已到期"),
    ("1310", r"Weekly/Monthly Limit|每周/每月使用上限"),
    ("1312", r"model is currently (?:experiencing high traffic|overloaded)|该模型当前访问量过大"),
))

# (Moonshot error type, documented message)
MOONSHOT_MESSAGES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((etype, re.compile(rx, re.I)) for etype, rx in (
    ("invalid_authentication_error", r"Invalid Authentication|Incorrect API key provided"),
    ("exceeded_current_quota_error", r"exceeded your current token quota|please check your account balance|"
                                     r"account \S{0,80} is (?:suspended|not active)"),
    ("rate_limit_reached_error", r"request reached (?:organization )?max (?:concurrency|RPM)|"
                                 r"request reached organization (?:TPM|TPD) rate limit"),
    ("engine_overloaded_error", r"engine is currently overloaded"),
    ("content_filter", r"request was rejected because it was considered high risk"),
    ("permission_denied_error", r"The API you are accessing is not open|not allowed to get other user info"),
    ("resource_not_found_error", r"Not found the model \S{1,80} or Permission denied|requested resource was not found"),
))

MAX_SCAN = 4096  # the provider's message is at the start of the exception text; never scan a huge line whole


def message_code(remote: str | None, texts: list[str]) -> tuple[str, str, str] | None:
    """(namespace, code, matched words) of the first documented message of `remote`'s provider in `texts`."""
    table = ZAI_MESSAGES if remote == "glm" else MOONSHOT_MESSAGES if remote == "kimi" else ()
    for text in texts:
        head = text[:MAX_SCAN]
        for code, rx in table:
            if (m := rx.search(head)) is not None:
                return ("glm" if remote == "glm" else "moonshot"), code, m.group(0)
    return None
