"""Z.ai and Moonshot errors whose code the openai SDK dropped, read back from the documented message.

Each documented message (docs.z.ai/api-reference/api-code in English, docs.bigmodel.cn/cn/api/api-code in
Chinese; Moonshot's chat API error explanation) is answered by a local aiohttp server with the provider's
real body, raised by the real openai SDK (which keeps only `error.message` in the exception text), and logged
as the gateway logs it. The expected category is who must act for that documented code (evals/TAXONOMY.md),
written here per code class, not read from the engine's tables.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import logged
from tests.diagnose.test_real_clients import RULES

# (code, English message, Chinese message) as the owners document them; ${...} placeholders filled in
ZAI = [
    ("1001", "Authentication parameter not received in Header, unable to authenticate", "Header 中未收到 Authentication 参数,无法进行身份验证"),
    ("1002", "Invalid Authentication Token, please confirm the correct transmission of the Authentication Token",
     "Authentication Token 非法,请确认 Authentication Token 正确传递"),
    ("1003", "Authentication Token expired, please regenerate/obtain", "Authentication Token 已过期,请重新生成/获取"),
    ("1004", "Authentication failed with the provided Authentication Token", "通过 Authentication Token 的验证失败"),
    ("1110", "Your account is currently inactive. Please check your account information", "您的账户当前处于非活动状态。请检查账户信息"),
    ("1111", "Your account does not exist", "您的账户不存在"),
    ("1112", "Your account has been locked, please contact customer service to unlock", "您的账户已被锁定,请联系客服解锁"),
    ("1113", "Your account is in arrears, please recharge and try again", "您的账户已欠费,请充值后重试"),
    ("1120", "Unable to successfully access your account at present, please contact customer service", "无法成功访问您的账户,请稍后重试"),
    ("1121", "Your account has been locked due to irregular activities", "账户存违规行为,账号已被锁定"),
    ("1210", "Incorrect API call parameters, please check the documentation", "API 调用参数有误,请检查文档"),
    ("1211", "Model does not exist, please check the model code", "模型不存在,请检查模型代码"),
    ("1212", "The current model does not support the stream call method", "当前模型不支持 stream 调用方式"),
    ("1213", "The messages parameter was not received properly", "未正常接收到 messages 参数"),
    ("1214", "temperature parameter is illegal. Please check the documentation", "temperature 参数非法。请检查文档"),
    ("1215", "temperature and top_p cannot be set at the same time", "temperature 与 top_p 不能同时设置,请检查文档"),
    ("1220", "You do not have permission to access glm-4.6", "您无权访问 glm-4.6"),
    ("1221", "API glm-4 has been taken offline", "API glm-4 已下线"),
    ("1222", "API /paas/v9/chat does not exist", "API /paas/v9/chat 不存在"),
    ("1231", "You already have a request: 9f3c", "您已有请求:9f3c"),
    ("1234", "Network error, error id: 4411, please contact customer service", "网络错误,错误id:4411,请联系客服"),
    ("1261", "Prompt exceeds max length", "Prompt 超长"),
    ("1300", "API call blocked by policy", "API 调用被策略阻止"),
    ("1301", "The system detected potentially unsafe or sensitive content in input or generation",
     "系统检测到输入或生成内容可能包含不安全或敏感内容,请您避免输入易产生敏感内容的提示语,感谢您的配合"),
    ("1302", "High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits",
     "您当前使用该 API 的并发数过高,请降低并发,或联系客服增加限额"),
    ("1303", "High frequency usage of this API, please reduce frequency or contact customer service to increase limits",
     "您当前使用该 API 的频率过高,请降低频率,或联系客服增加限额"),
    ("1304", "The daily call limit for this API has been reached", "该 API 已达今日调用次数限额,如有更多需求,请联系客服购买"),
    ("1305", "The API traffic limit has been triggered", "该 API 已触发流量限制"),
    ("1308", "Usage limit reached for 5 hour. Your limit will reset at 2025-11-03 18:00:00",
     "已达到 5 小时 的使用上限。您的限额将在 2025-11-03 18:00:00 重置"),
    ("1309", "Your GLM Coding Plan package has expired and cannot be used", "您的 GLM Coding Plan 套餐已到期,暂无法使用,前往官方续订后即可恢复"),
    ("1310", "Weekly/Monthly Limit Exhausted. Your limit will reset at 2025-11-10 00:00:00",
     "您已达到每周/每月使用上限,您的限额将在 2025-11-10 00:00:00 重置"),
    ("1312", "The model is currently experiencing high traffic, please try again later", "该模型当前访问量过大,请您稍后再试,或切换其他模型如 glm-4.5-air 等"),
]
STATUS = {"10": 401, "11": 429, "12": 400, "13": 429}


def zai_category(code: str) -> str:
    """Who must act, per Z.ai's code classes: the key (config), the account (provider), the request the
    gateway built (code; an unknown model or a denied API is configuration), the limits and the provider's
    own failures (provider: by the doctrine, doctrine.py, the account's concurrency limit is one of its limits)."""
    if code.startswith("100") or code in ("1211", "1220"):
        return "config"
    if code in ("1261",) or (code.startswith("12") and code != "1234"):
        return "code"
    return "provider"


async def _raised(url: str, model: str, logger: str) -> str:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)
    try:
        await client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    except openai.APIStatusError as e:
        assert "code" not in str(e) or "Error code" in str(e)  # the SDK's text holds the message only
        return logged(logger, f"chat failed for model {model}")
    finally:
        await client.close()
    raise AssertionError("the call did not fail")


ROWS = [(code, text, lang) for code, en, zh in ZAI for text, lang in ((en, "en"), (zh, "zh"))]


@pytest.mark.parametrize(("code", "message", "lang"), ROWS, ids=[f"{c}-{lang}" for c, _, lang in ROWS])
async def test_zai_message_through_the_openai_sdk_names_its_code(provider: tuple[str, dict[str, Any]],
                                                                 code: str, message: str, lang: str) -> None:
    url, state = provider
    state["answer"] = (STATUS[code[:2]], {"error": {"code": code, "message": message}})
    line = await _raised(url, "glm-4.6", "src.providers.glm_chat")
    assert f"'code': '{code}'" not in line  # the code really is lost on the way
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == zai_category(code), (code, d.rule, d.summary)
    if d.rule == "class:message.glm":
        assert code in d.summary and "documented message" in d.summary, d.summary
        assert d.confidence <= 0.5  # a message is weaker evidence than the code itself
    assert "Kimi" not in d.summary and "Moonshot" not in d.summary and "?" not in d.summary


async def test_the_same_code_visible_is_more_confident_than_its_message(provider: tuple[str, dict[str, Any]]) -> None:
    url, state = provider
    state["answer"] = (429, {"error": {"code": "1113", "message": "您的账户已欠费,请充值后重试"}})
    line = await _raised(url, "glm-4.6", "src.providers.glm_chat")
    by_message = RULES.diagnose(excerpt_to_input(line))
    by_code = RULES.diagnose(excerpt_to_input(line + "\nerror body: {'code': '1113', 'message': '您的账户已欠费'}"))
    assert by_message.rule == "class:message.glm" and by_message.category == by_code.category == "provider"
    assert by_message.confidence < by_code.confidence


# Moonshot (type, documented message, category by who must act)
MOONSHOT = [
    (401, "invalid_authentication_error", "Invalid Authentication", "config"),
    (401, "invalid_authentication_error", "Incorrect API key provided", "config"),
    (429, "exceeded_current_quota_error", "You exceeded your current token quota: 0, please check your account balance",
     "provider"),
    (429, "rate_limit_reached_error",
     "Your account org-1<ak-2> request reached organization max concurrency: 50, please try again after 1 seconds", "provider"),
    (429, "rate_limit_reached_error", "Your account org-1<ak-2> request reached organization max RPM: 200, please try again "
     "after 1 seconds", "provider"),
    (429, "rate_limit_reached_error", "Your account org-1<ak-2> request reached organization TPM rate limit, current:2, "
     "limit:1", "provider"),
    (429, "engine_overloaded_error", "The engine is currently overloaded, please try again later", "provider"),
    (400, "content_filter", "The request was rejected because it was considered high risk", "provider"),
    (403, "permission_denied_error", "The API you are accessing is not open", "config"),
]


@pytest.mark.parametrize(("status", "etype", "message", "category"), MOONSHOT, ids=[f"{m[1]}-{i}" for i, m in enumerate(MOONSHOT)])
async def test_moonshot_message_through_the_openai_sdk(provider: tuple[str, dict[str, Any]], status: int, etype: str,
                                                       message: str, category: str) -> None:
    url, state = provider
    state["answer"] = (status, {"error": {"type": etype, "message": message}})
    line = await _raised(url, "kimi-k2-0905-preview", "src.providers.kimi_chat")
    assert etype not in line
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == category, (etype, d.rule, d.summary)
    assert "GLM" not in d.summary and "Z.ai" not in d.summary and "?" not in d.summary


@pytest.mark.parametrize(("code", "message"), [("1113", "您的账户已欠费,请充值后重试"), ("1302", "High concurrency usage of this API"),
                                               ("1301", "unsafe or sensitive content")])
async def test_a_zai_message_from_another_remote_is_not_read_as_a_zai_code(provider: tuple[str, dict[str, Any]],
                                                                          code: str, message: str) -> None:
    """Near-miss: Z.ai's words in a Kimi error are not a GLM business code (the table applies under GLM only)."""
    url, state = provider
    state["answer"] = (429, {"error": {"message": message}})
    line = await _raised(url, "kimi-k2-0905-preview", "src.providers.kimi_chat")
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.rule != "class:message.glm" and "GLM" not in d.summary and "business code" not in d.summary, d.summary


def test_a_huge_message_is_read_only_at_its_head() -> None:
    line = ("2025-11-03 17:00:00 ERROR src.providers.glm_chat: chat failed: Error code: 429 - " + "x" * 5_000_000
            + " 您的账户已欠费")
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.rule != "class:message.glm"  # the message's words are past the scanned head: not claimed


@pytest.mark.parametrize("reason", ["sensitive", "content_filter"])
@pytest.mark.parametrize(("logger", "model"), [("src.providers.glm_chat", "glm-4.6"),
                                               ("src.providers.kimi_chat", "kimi-k2-0905-preview")])
@pytest.mark.parametrize("form", ["finish_reason={r}", "finish_reason: '{r}'", '"finish_reason": "{r}"'])
def test_a_documented_filter_finish_reason_in_an_http_200_is_the_providers_review(reason: str, logger: str, model: str,
                                                                                 form: str) -> None:
    from tests.diagnose.logged import diagnose as diagnose_excerpt
    log = (f"2026-12-06 07:00:00 INFO httpx: HTTP Request: POST https://api.example/v1/chat/completions \"HTTP/1.1 200 OK\"\n"
           f"2026-12-06 07:00:01 ERROR {logger}: Empty response from {model} ({form.format(r=reason)}, id=abc)")
    d = diagnose_excerpt(log)
    assert d.category == "provider" and d.confidence < 0.6, (d.rule, d.summary)
    for other in ("stop", "tool_calls"):  # the near-miss: a normal end is not a filter
        d = diagnose_excerpt(log.replace(reason, other))
        assert d.category != "provider" or "filter" not in d.summary, (other, d.rule, d.summary)
