"""Class (a) of the taxonomy: credentials with a fixed prefix or structure, named by provider.

Source: gitleaks' default rules (config/gitleaks.toml, rule ids in the comments; every rule there with a
fixed literal prefix is listed, the keyword-only `<provider> ... = value` rules are left to the name
class) and detect-secrets' plugins (detect_secrets/plugins/*.py: aws, azure_storage_key, discord,
github_token, gitlab_token, jwt, mailchimp, npm, openai, private_key, pypi_token, sendgrid, slack,
square_oauth, stripe, telegram_token, twilio). Bodies are matched a little wider than the rule corpora
(`{20,}` where a rule says `{36}`): a redactor that misses a key one character longer than documented
is worse than one that hides a near-miss.

A format that only the rule corpora's keyword context identifies (a 32-hex Datadog key, a Twilio auth
token) has no fixed prefix: the name class or the entropy class catches it.
"""

from __future__ import annotations

# (kind, regex, lowercase hints: the rule runs only when one of them occurs in the lowered text)
FORMATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # AI providers
    ("anthropic_key", r"\bsk-ant-(?:api|admin|sid|oat)?\d*-?[A-Za-z0-9_-]{16,}", ("sk-ant-",)),  # anthropic-api-key
    # openai-api-key (sk-proj-/sk-svcacct-/sk-admin-/legacy, T3BlbkFJ marker); Moonshot/DeepSeek/OpenRouter sk-...
    ("api_key", r"\bsk-(?:proj-|svcacct-|admin-|or-v1-|live-|test-|[a-z]{2,8}-)?[A-Za-z0-9_-]{16,}", ("sk-",)),
    ("api_key", r"\b[A-Za-z0-9_-]{8,}T3BlbkFJ[A-Za-z0-9_-]{8,}", ("t3blbkfj",)),
    ("groq_key", r"\bgsk_[A-Za-z0-9]{20,}", ("gsk_",)),
    ("xai_key", r"\bxai-[A-Za-z0-9_]{20,}", ("xai-",)),                                # xai-api-key
    ("perplexity_key", r"\bpplx-[A-Za-z0-9]{20,}", ("pplx-",)),                        # perplexity-api-key
    ("replicate_token", r"\br8_[A-Za-z0-9]{20,}", ("r8_",)),
    ("huggingface_token", r"\b(?:hf_|api_org_)[A-Za-z0-9]{20,}", ("hf_", "api_org_")),  # huggingface-*
    ("langsmith_key", r"\blsv2_(?:pt|sk)_[A-Za-z0-9_]{20,}", ("lsv2_",)),
    ("pinecone_key", r"\bpcsk_[A-Za-z0-9_]{20,}", ("pcsk_",)),
    ("zai_key", r"\b[0-9a-f]{32}\.[A-Za-z0-9]{16}\b", (".",)),                         # Zhipu/Z.ai id.secret
    # Documented prefixes of AI and agent-tool providers (each provider's "API keys" page; gitleaks where it has a
    # rule): Voyage AI pa-, Together tgp_v1_, NVIDIA NIM nvapi-, Tavily tvly-, Firecrawl fc-, Jina jina_, E2B e2b_,
    # LlamaCloud llx-, RunPod rpa_, Anyscale esecret_, Mem0 m0-, Browserbase bb_live_, ElevenLabs sk_<48 hex>,
    # Fireworks fw_ (mixed case and a digit: `fw_version` stays).
    ("voyage_key", r"\bpa-[A-Za-z0-9_-]{40,}", ("pa-",)),
    ("together_key", r"\btgp_v1_[A-Za-z0-9_-]{30,}", ("tgp_v1_",)),
    ("nvidia_key", r"\bnvapi-[A-Za-z0-9_-]{40,}", ("nvapi-",)),
    ("tavily_key", r"\btvly-(?:dev-|prod-)?[A-Za-z0-9]{20,}", ("tvly-",)),
    ("firecrawl_key", r"\bfc-[a-f0-9]{32}\b", ("fc-",)),
    ("jina_key", r"\bjina_[A-Za-z0-9_-]{40,}", ("jina_",)),
    ("e2b_key", r"\be2b_[a-f0-9]{40}\b", ("e2b_",)),
    ("llamacloud_key", r"\bllx-[A-Za-z0-9]{40,}", ("llx-",)),
    ("runpod_key", r"\brpa_[A-Za-z0-9]{40,}", ("rpa_",)),
    ("anyscale_key", r"\besecret_[A-Za-z0-9]{20,}", ("esecret_",)),
    ("mem0_key", r"\bm0-[A-Za-z0-9]{40,}", ("m0-",)),
    ("browserbase_key", r"\bbb_live_[A-Za-z0-9_-]{20,}", ("bb_live_",)),
    ("elevenlabs_key", r"\bsk_[a-f0-9]{48}\b", ("sk_",)),
    ("fireworks_key", r"\bfw_(?=[A-Za-z0-9]{0,40}\d)(?=[A-Za-z0-9]{0,40}[A-Z])[A-Za-z0-9]{20,}\b", ("fw_",)),
    # fal.ai FAL_KEY (fal docs, "Authentication"): <key id, a UUID>:<key secret, 32 hex>; the pair is the credential.
    ("fal_key", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9a-f]{32}\b", (":",)),
    # Amazon Bedrock API keys (gitleaks aws-amazon-bedrock-api-key-*): long-lived ABSK<b64>, short-lived presigned.
    ("aws_bedrock_key", r"\bABSK[A-Za-z0-9+/]{100,}={0,2}|\bbedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%&_-]*",
     ("absk", "bedrock-api-key-")),
    # clouds
    ("aws_access_key",
     # AWS's documented example ids (`AKIAIOSFODNN7EXAMPLE`) are redacted too, unlike gitleaks' allowlist
     # `.+EXAMPLE$`: they are what people plant as a fake key in tests and samples, a real id never ends
     # so, and a redacted example costs the diagnosis nothing.
     r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|APKA)[A-Z0-9]{16}\b",
     ("akia", "asia", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "abia", "acca", "a3t", "apka")),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{30,}", ("aiza",)),                        # gcp-api-key
    ("google_oauth", r"\bya29\.[0-9A-Za-z_-]{20,}|\bGOCSPX-[0-9A-Za-z_-]{20,}|\b1//0[0-9A-Za-z_-]{30,}",
     ("ya29.", "gocspx-", "1//0")),
    ("azure_ad_secret", r"(?<![A-Za-z0-9])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9])", ("q~",)),
    ("alibaba_key", r"\bLTAI[A-Za-z0-9]{20}\b", ("ltai",)),                             # alibaba-access-key-id
    ("digitalocean_token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", ("_v1_",)),                 # digitalocean-*
    ("heroku_key", r"\bHRKU-AA[0-9A-Za-z_-]{58}", ("hrku-",)),                          # heroku-api-key-v2
    ("flyio_token", r"\b(?:fo1_[\w-]{30,}|fm[12][ar]?_[A-Za-z0-9+/]{40,}={0,3})", ("fo1_", "fm1", "fm2")),
    ("vault_token", r"\bhv[sbr]\.[\w-]{20,}|\b[A-Za-z0-9]{14}\.atlasv1\.[\w=-]{60,}", ("hvs.", "hvb.", "hvr.", "atlasv1")),
    ("doppler_token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{30,}", ("dp.",)),  # doppler-api-token
    ("pulumi_token", r"\bpul-[a-f0-9]{40}\b", ("pul-",)),
    ("planetscale_token", r"\bpscale_(?:tkn|oauth|pw)_[\w=.-]{32,64}", ("pscale_",)),
    ("databricks_token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b", ("dapi",)),                  # databricks-api-token
    ("dynatrace_token", r"\bdt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", ("dt0c01.",)),
    ("openshift_token", r"\bsha256~[\w-]{43}", ("sha256~",)),
    ("tailscale_key", r"\btskey-[a-z]+-[A-Za-z0-9-]{16,}", ("tskey-",)),
    ("onepassword_key", r"\bops_eyJ[A-Za-z0-9+/]{100,}={0,3}|\bA3-[A-Z0-9]{6}-[A-Z0-9-]{20,}", ("ops_", "a3-")),
    ("scalingo_token", r"\btk-us-[\w-]{48}", ("tk-us-",)),
    ("cloudflare_ca_key", r"\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}", ("v1.0-",)),
    # code hosting, packages, CI
    ("github_token", r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}",  # github-*
     ("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_")),
    ("gitlab_token",  # gitlab-pat, -deploy, -runner, -ptt, -cicd-job, -scim, -feed, -mail, -agent, -oauth, -ffct
     r"\bgl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent|oas|ffct)-[A-Za-z0-9_.-]{20,}|\bGR1348941[\w-]{20}", ("gl", "gr1348941")),
    ("gitlab_session", r"\b_gitlab_session=[0-9a-z]{32}", ("_gitlab_session",)),
    ("npm_token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",)),                              # npm-access-token
    ("pypi_token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}", ("pypi-",)),                       # pypi-upload-token
    ("rubygems_token", r"\brubygems_[a-f0-9]{48}\b", ("rubygems_",)),
    ("clojars_token", r"\bCLOJARS_[A-Za-z0-9]{60}", ("clojars_",)),
    ("artifactory_key", r"\bAKCp[A-Za-z0-9]{60,}|\bcmVmd[A-Za-z0-9]{59}\b", ("akcp", "cmvmd")),
    # atlassian-api-token; ATCTT3: Bitbucket repository/project/workspace access tokens (Atlassian docs, "Access tokens")
    ("atlassian_token", r"\bAT(?:ATT|CTT)3[A-Za-z0-9_=-]{50,}", ("atatt3", "atctt3")),
    ("linear_key", r"\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b", ("lin_",)),               # linear-api-key
    ("notion_token", r"\bntn_[0-9]{11}[A-Za-z0-9]{35}\b|\bsecret_[A-Za-z0-9]{43}\b", ("ntn_", "secret_")),
    ("sourcegraph_token", r"\bsgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}\b", ("sgp_",)),
    ("prefect_token", r"\bpnu_[A-Za-z0-9]{36}\b", ("pnu_",)),
    ("readme_token", r"\brdme_[a-z0-9]{70}\b", ("rdme_",)),
    ("postman_key", r"\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}\b", ("pmak-",)),          # postman-api-token
    ("sentry_token", r"\bsntry[su]_[A-Za-z0-9+/=_]{40,}", ("sntry",)),                  # sentry-org/user-token
    ("grafana_token", r"\bgl(?:c|sa)_[A-Za-z0-9_+/=-]{32,}|\beyJrIjoi[A-Za-z0-9]{50,}={0,3}", ("glc_", "glsa_", "eyjrijoi")),
    ("newrelic_key", r"\bNR(?:AK|II|JS|AA)-[A-Za-z0-9-]{19,32}", ("nrak-", "nrii-", "nrjs-", "nraa-")),
    ("octopus_key", r"\bAPI-[A-Z0-9]{26}\b", ("api-",)),
    ("settlemint_token", r"\bsm_(?:aat|pat|sat)_[A-Za-z0-9]{16}\b", ("sm_",)),
    ("infracost_token", r"\bico-[A-Za-z0-9]{32}\b", ("ico-",)),
    ("frameio_token", r"\bfio-u-[\w=-]{64}", ("fio-u-",)),
    ("typeform_token", r"\btfp_[\w.=-]{59}", ("tfp_",)),
    # macaroons in hex (lnd `xxd -ps -u -c 1000 admin.macaroon`, `lncli bakemacaroon`, the REST `Grpc-Metadata-macaroon`
    # header): the v2 binary form opens with version 02 then field 01 (location, lnd's `036c6e64`) or 02 (identifier)
    # (go-macaroon `MarshalBinary`, libmacaroons v2 format); longer than any hex digest (SHA-512 is 128)
    ("macaroon", r"(?:\b|(?<=\\[nrt]))020[12][0-9a-fA-F]{136,}\b", ("0201", "0202")),  # (also after a JSON `\n`)
    ("age_key", r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b", ("age-secret-key-",)),
    # CLASSES12.md C21/C22: Nostr secret keys (NIP-19 bech32 `nsec1`), BIP-32 extended private keys (`xprv`/`tprv`/
    # `yprv`/`zprv`, base58check, 111 characters), WIF private keys (Bitcoin wiki "Wallet import format": base58check,
    # uncompressed `5H|5J|5K` + 49), k3s secure tokens (k3s docs "Token types":
    # `K10<CA hash>::<user>:<password>`, the part after `::` is the credential; the whole token goes)
    ("nostr_secret_key", r"\bnsec1[02-9ac-hj-np-z]{58}\b", ("nsec1",)),
    ("extended_private_key", r"\b[xtyzuv]prv[1-9A-HJ-NP-Za-km-z]{100,112}\b", ("prv",)),
    # (the compressed `K`/`L` form is not read: its only literal is one common letter, no prefilter hint can gate it)
    ("wif_private_key", r"(?<![\w/+=.-])5[HJK][1-9A-HJ-NP-Za-km-z]{49}(?![\w/+=.-])", ("5h", "5j", "5k")),
    ("k3s_token", r"\bK10[0-9a-f]{64}::[^\s:'\"]{1,64}:[^\s'\"\\]{1,256}", ("k10",)),
    # CI, hosting and registries (each vendor's token docs; gitleaks harness-api-key, vault-service-token): Docker
    # Hub dckr_pat_/dckr_oat_, Bitbucket app passwords ATBB, Buildkite bkua_, CircleCI CCIPAT_, Netlify nfp_, Render
    # rnd_, Neon napi_, Harness pat./sat., Vault's legacy s.<24>, Azure DevOps PATs of 84 characters (the fixed
    # AZDO signature at 76-80; the older 52-character base32 ones are read by their name, `pat`).
    ("docker_hub_token", r"\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}", ("dckr_",)),
    ("bitbucket_token", r"\bATBB[A-Za-z0-9_=.-]{28,}", ("atbb",)),
    ("buildkite_token", r"\bbkua_[a-f0-9]{40}\b", ("bkua_",)),
    ("circleci_token", r"\bCCIPAT_[A-Za-z0-9]{20,}_[a-f0-9]{40}\b", ("ccipat_",)),
    ("netlify_token", r"\bnfp_[A-Za-z0-9]{36,}", ("nfp_",)),
    ("render_key", r"\brnd_(?=[A-Za-z0-9]{0,40}\d)(?=[A-Za-z0-9]{0,40}[A-Z])[A-Za-z0-9]{28,}\b", ("rnd_",)),
    ("neon_key", r"\bnapi_[a-z0-9]{60,}", ("napi_",)),
    ("harness_token", r"\b(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}\b", ("pat.", "sat.")),
    ("vault_token", r"\bs\.(?=[A-Za-z0-9]{0,23}\d)(?=[A-Za-z0-9]{0,23}[A-Z])(?=[A-Za-z0-9]{0,23}[a-z])[A-Za-z0-9]{24}\b",
     ("s.",)),
    ("azure_devops_pat", r"\b[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}\b", ("azdo",)),
    # SaaS API keys and tokens by documented prefix: Figma figd_, HubSpot private-app pat-<region>-<uuid>,
    # Contentful CFPAT-, PostHog personal phx_ (phc_ project keys are public, keep.py), Intercom dG9rOj (base64
    # "tok:"), LaunchDarkly server sdk-/api-<uuid>, Flagsmith server ser., Statsig server secret-, ClickUp pk_,
    # Brevo SMTP xsmtpsib-, Salesforce session ids 00D<org>!<session>, Facebook app tokens <app id>|<secret>.
    # Tencent Cloud API keys (cloud.tencent.com CAM docs, "Access key"): the SecretId is `AKID` + 32 alphanumerics,
    # half of the pair as AWS's AKIA is (gitleaks has no rule; trufflehog's tencent detector keys on it)
    ("tencent_secret_id", r"\bAKID[A-Za-z0-9]{32}\b", ("akid",)),
    ("figma_token", r"\bfigd_[A-Za-z0-9_-]{30,}", ("figd_",)),
    ("hubspot_token", r"\bpat-(?:na|eu|ap)\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", ("pat-",)),
    ("contentful_token", r"\bCFPAT-[A-Za-z0-9_-]{40,}", ("cfpat-",)),
    ("posthog_personal_key", r"\bphx_[A-Za-z0-9]{30,}", ("phx_",)),
    ("intercom_token", r"\bdG9rOj[A-Za-z0-9+/=_-]{20,}", ("dg9roj",)),
    ("launchdarkly_key", r"\b(?:sdk|api)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", ("sdk-", "api-")),
    ("flagsmith_key", r"\bser\.[A-Za-z0-9]{20,}\b", ("ser.",)),
    ("statsig_key", r"\bsecret-(?=[A-Za-z0-9]{0,50}\d)[A-Za-z0-9]{30,}\b", ("secret-",)),
    ("clickup_token", r"\bpk_\d{5,}_[A-Z0-9]{32}\b", ("pk_",)),
    ("brevo_smtp_key", r"\bxsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b", ("xsmtpsib-",)),
    ("salesforce_session", r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,}", ("00d",)),
    ("facebook_token", r"\b\d{15,16}(?:\||%7[Cc])[0-9A-Za-z_-]{27,40}\b", ("|", "%7c")),
    # chat, mail, messaging
    # ntfy access tokens (ntfy docs, "Access tokens"): tk_ then 29 lowercase letters and digits
    ("ntfy_token", r"\btk_[a-z0-9]{29}\b", ("tk_",)),
    ("slack_token", r"\bxox[abeoprs]-(?:\d+-)?[A-Za-z0-9-]{10,}|\bxoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}"
                    r"|\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+", ("xox", "xapp-")),          # slack-*-token
    ("discord_bot_token", r"\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}", (".",)),  # discord.py
    ("telegram_bot_token", r"(?<![\d:])\d{8,10}:AA[A-Za-z0-9_-]{33}\b", (":aa",)),     # telegram_token.py
    # sendgrid-api-token: gitleaks allows `=` in the body (`SG\.(?i)[a-z0-9=_\-\.]{66}`)
    ("sendgrid_key", r"\bSG\.[A-Za-z0-9_=-]{16,}\.[A-Za-z0-9_=-]{16,}", ("sg.",)),
    ("sendinblue_key", r"\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b", ("xkeysib-",)),
    ("mailgun_key", r"\b(?:pub)?key-[a-f0-9]{32}\b", ("key-",)),                       # mailgun-*
    ("mailchimp_key", r"\b[a-f0-9]{32}-us\d{1,2}\b", ("-us",)),                        # mailchimp.py
    ("twilio_key", r"\bSK[0-9a-fA-F]{32}\b", ("sk",)),                                 # twilio-api-key
    # payments, commerce
    # stripe-access-token: sk_/rk_ (pk_ publishable keys are public by design, Stripe docs "API keys")
    ("stripe_key", r"\b(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}\b|\bwhsec_[A-Za-z0-9]{24,}",
     ("_test_", "_live_", "_prod_", "whsec_")),
    ("square_token", r"\b(?:EAAA|sq0atp-|sq0csp-)[A-Za-z0-9_-]{22,60}", ("eaaa", "sq0")),  # square-access-token
    ("facebook_token", r"\bEAA[MC][A-Za-z0-9]{60,}", ("eaam", "eaac")),
    ("shopify_token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b", ("shp",)),           # shopify-*
    ("shippo_token", r"\bshippo_(?:live|test)_[a-fA-F0-9]{40}\b", ("shippo_",)),
    ("duffel_token", r"\bduffel_(?:test|live)_[\w=-]{43}", ("duffel_",)),
    ("easypost_token", r"\bEZ[AT]K[A-Za-z0-9]{54}\b", ("ezak", "eztk")),
    # Zoho OAuth access and refresh tokens (Zoho API docs, "OAuth 2.0": `1000.<32 hex>.<32 hex>`; the scheme word is
    # `Zoho-oauthtoken`, but a token set or a config dump carries the token with no name in view; CLASSES20 C41)
    ("zoho_token", r"\b1000\.[0-9a-f]{32}\.[0-9a-f]{32}\b", ("1000.",)),
    # flutterwave-secret-key; the FLWPUBK- public key is public by design (keep.py)
    ("flutterwave_key", r"\bFLWSECK(?:_TEST)?-[A-Za-z0-9]{12,}(?:-X)?", ("flwseck",)),
    ("adobe_secret", r"\bp8e-[A-Za-z0-9]{32}\b", ("p8e-",)),
    ("supabase_key", r"\bsb_secret_[A-Za-z0-9_-]{16,}|\bsbp_[a-f0-9]{40}\b", ("sb_secret_", "sbp_")),
    ("maxmind_key", r"\b[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk\b", ("_mmk",)),
    # CLASSES19 C40, the MODE-MARKED key grammar: `<vendor>_<live|test|prod|sandbox>_[sk_]<random>` (Cal.com
    # `cal_live_`, Radar `prj_live_sk_`, Shippo, Duffel, Browserbase `bb_live_`; Stripe's own is stripe_key above). The
    # live/test word says "a key of this account in this mode"; a publishable key says so with `pk`/`pub` (Stripe,
    # Paystack, Radar `prj_live_pk_`: public by design, D51) and stays, and a snake_case name has no 24-char random run.
    ("mode_marked_key", r"\b(?!pk_|pub_|public_)[a-z][a-z0-9]{1,11}_(?:live|test|prod|sandbox)_(?!pk_|pub_|public_)"
                        r"(?:sk_|secret_)?(?=[A-Za-z0-9]{0,80}\d)(?=[A-Za-z0-9]{0,80}[a-z])[A-Za-z0-9]{24,}\b",
     ("_live_", "_test_", "_prod_", "_sandbox_")),
    ("calcom_key", r"\bcal_[0-9a-f]{32}\b", ("cal_",)),
    # CLASSES21 C42: Kickbox `live_`/`test_` + hex (its docs: test keys are keys too), Porkbun v3 `pk1_`/`sk1_` + 64 hex
    # (both halves of the pair in every request body), NeverBounce `private_` + 32 hex (its `public_` widget key stays)
    ("mode_hex_key", r"\b(?:live|test)_[0-9a-f]{32,64}\b", ("live_", "test_")),
    ("porkbun_key", r"\b[ps]k1_[0-9a-f]{64}\b", ("pk1_", "sk1_")),
    ("neverbounce_key", r"\bprivate_[0-9a-f]{32}\b", ("private_",)),
    ("riot_key", r"\bRGAPI-[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b", ("rgapi-",)),  # Riot Games API keys  # Cal.com v1 keys without the mode word (Cal.com API v1 docs)
    # WooCommerce REST API keys (WooCommerce docs, "REST API authentication"): consumer key ck_ and secret cs_ + 40 hex
    ("woocommerce_key", r"\bc[ks]_[0-9a-f]{40}\b", ("ck_", "cs_")),
    # Mercado Pago access tokens (Mercado Pago developers, "Credentials"): APP_USR- / TEST- <app id>-<date>-<hex>-<user>
    ("mercadopago_token", r"\b(?:APP_USR|TEST)-\d{6,20}-\d{6}-[0-9a-f]{32}-\d{6,12}\b", ("app_usr-", "test-")),
    ("intra42_secret", r"\bs-s4t2(?:ud|af)-[a-f0-9]{64}\b", ("s-s4t2",)),
    ("plaid_token", r"\baccess-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f-]{27}\b", ("access-",)),
    ("gocardless_token", r"\blive_(?=[\w=-]{0,40}\d)(?=[\w=-]{0,40}[A-Z])[A-Za-z0-9_=-]{40}\b", ("live_",)),
    ("lob_key", r"\b(?:live|test)_(?:pub_)?[a-fA-F0-9]{31,35}\b", ("live_", "test_")),  # gitleaks lob-api-key: (?i)
    ("dropbox_token", r"\bsl\.[A-Za-z0-9_=-]{130,}", ("sl.",)),
    ("twitter_bearer", r"\bA{22}[A-Za-z0-9%]{80,100}", ("aaaaaaaaaaaaaaaaaaaaaa",)),
    ("yandex_key", r"\bAQVN[A-Za-z0-9_-]{35,38}|\bt1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2}", ("aqvn", "t1.")),
    ("clickhouse_key", r"\b4b1d[A-Za-z0-9]{38}\b", ("4b1d",)),
    ("defined_networking_key", r"\bdnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}", ("dnkey-",)),
    ("authress_key", r"\b(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_-][a-z0-9-]{10,32}\.[a-z0-9+/_=-]{30,120}",
     (".acc",)),
    ("sonar_token", r"(?i)\bsonar[_.-]?(?:login|token)[\"']?[ \t]*[=:][ \t]*[\"']?[a-z0-9=_-]{40}", ("sonar",)),
    # SonarQube 9.5+ token prefixes (docs, "Managing your tokens"): user squ_, project analysis sqp_, global sqa_
    ("sonar_token", r"\bsq[upa]_[a-f0-9]{40}\b", ("squ_", "sqp_", "sqa_")),
    # Braintree access tokens (Braintree docs, "Access tokens"): access_token$<environment>$<merchant id>$<32 hex>
    ("braintree_token", r"\baccess_token\$(?:production|sandbox)\$[0-9a-z]{8,32}\$[0-9a-f]{32}\b", ("access_token$",)),
    # Baidu AI Cloud (Qianfan) v3 bearer tokens: bce-v3/ALTAK-<access key id>/<hex signature>
    ("baidu_token", r"\bbce-v3/ALTAK-[A-Za-z0-9]{10,}/[0-9a-f]{32,}\b", ("bce-v3/",)),
    # Sonatype Nexus npm Bearer Token Realm tokens (Nexus docs): NpmToken.<uuid>
    ("nexus_npm_token", r"\bNpmToken\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", ("npmtoken.",)),
    ("sidekiq_secret", r"(?i)\bBUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM[\"']?[ \t]*[=:][ \t]*[\"']?[a-f0-9]{8}:[a-f0-9]{8}",
     ("contribsys",)),
    # Asana personal access tokens (Asana developer docs, "Personal access token"): <version>/<user gid>/<token
    # gid>:<32 hex>, and the legacy 0/<32 hex>.
    ("asana_token", r"\b[0-9]/\d{6,20}/\d{6,20}:[0-9a-f]{32}\b|\b0/[0-9a-f]{32}\b", ("/",)),
    # DeepL API keys (DeepL docs, "Authentication"): a UUID; Free-plan keys end in `:fx`.
    ("deepl_key", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:fx\b", (":fx",)),
    # NuGet.org API keys (GitHub secret scanning patterns, "nuget_api_key"): oy2 then 43 lowercase alnum.
    ("nuget_key", r"\boy2[a-z0-9]{43}\b", ("oy2",)),
    # (detect-secrets twilio.py also flags `AC[a-z0-9]{32}`, the Account SID; not here: Twilio's docs name the Account
    # SID the public half, "like a username", beside the Auth Token, "like a password" - an id an engineer follows,
    # CLASSES18.md D46, set 18's `account_sid=AC<32 hex>` twin; entropy.py keeps every `<2 letters><32 hex>` SID.
    # The auth token after it is taken by the pair, URL-userinfo and name rules.) artifactory.py `AP[\dA-F]...` passwords
    ("artifactory_key", r"(?:(?<=[\s=:\"'])|^)AP[\dA-F][A-Za-z0-9]{8,}\b", ("ap",)),
    ("mapbox_token", r"\bsk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}", ("sk.eyj",)),
    # Airtable personal access tokens (gitleaks airtable-personalaccesstoken): pat<14 alnum>.<64 hex>
    ("airtable_token", r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b", ("pat",)),
    # Cerebras inference API keys (Cerebras docs, "API keys"): csk-<lowercase alnum>
    # DingTalk custom robot signing secret ("加签", open.dingtalk.com custom robot security settings): SEC + 64 hex;
    # also after a string's escaped newline (`f'{ts}\\nSEC...'`, the string to sign)
    ("dingtalk_secret", r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))SEC[0-9a-f]{64}(?![0-9A-Za-z])", ("sec",)),
    ("cerebras_key", r"\bcsk-[a-z0-9]{32,}\b", ("csk-",)),
    # Honeycomb v2 keys (Honeycomb docs, "API keys"): hcaik_/hcxik_ ingest, hcamk_/hcxmk_ management, then
    # lowercase alnum; the 22-char configuration keys and 32-hex classic keys have no prefix (name class).
    ("honeycomb_key", r"\bhc[ax][im]k_[a-z0-9]{20,}", ("hcaik_", "hcxik_", "hcamk_", "hcxmk_")),
    # Axiom tokens (Axiom docs, "Tokens"): xaat- API tokens and xapt- personal tokens, a UUID after the prefix
    ("axiom_token", r"\bxa[ap]t-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", ("xaat-", "xapt-")),
    # Resend API keys (Resend docs, "API keys"): re_<id>_<secret>, mixed case with digits; the lookaheads keep
    # snake_case identifiers that start with re_ (re_compile_cache) out.
    ("resend_key", r"\bre_(?=[A-Za-z0-9_]{0,40}\d)(?=[A-Za-z0-9_]{0,40}[A-Z])(?=[A-Za-z0-9_]{0,40}[a-z])[A-Za-z0-9]{6,}_[A-Za-z0-9]{16,}\b",
     ("re_",)),
    # PostgreSQL password verifiers as pg_authid.rolpassword, PgBouncer's auth_file and auth_query return them
    # (postgresql.org/docs/current/catalog-pg-authid.html; pgbouncer.org/config.html "Authentication file format"):
    # `md5` + md5(password || user) and `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`. PgBouncer's docs: a
    # client can log in with the md5 hash itself, and the SCRAM keys let PgBouncer log in to the server: both replay
    # like the password (set 10x, round 9). A digest written `md5=<hex>` / `md5:<hex>` is another thing and stays.
    ("password_hash", r"(?<![A-Za-z0-9])md5[0-9a-f]{32}(?![0-9A-Za-z])", ("md5",)),
    ("password_hash", r"SCRAM-SHA-256\$\d{1,7}:[A-Za-z0-9+/=]{8,}\$[A-Za-z0-9+/=]{20,}:[A-Za-z0-9+/=]{20,}",
     ("scram-sha-256$",)),
    # CLASSES11.md C16: Trigger.dev secret keys and PATs (trigger.dev docs "API keys": tr_dev_/tr_stg_/tr_prod_/tr_pat_),
    # Inngest signing keys (inngest.com/docs "Signing keys": signkey-<env>-<hex>), GitLab feature-flag client and
    # incoming-mail tokens (gitleaks gitlab-feature-flag-client-token glffct-, gitlab-incoming-mail-token glimt-)
    ("trigger_key", r"\btr_(?:dev|stg|prod|pat|preview)_[A-Za-z0-9]{16,}", ("tr_dev_", "tr_stg_", "tr_prod_", "tr_pat_",
                                                                           "tr_preview_")),
    ("inngest_signing_key", r"\bsignkey-(?:prod|test|branch)-[0-9a-fA-F]{32,}", ("signkey-",)),
    ("gitlab_token", r"\bgl(?:ffct|imt)-[A-Za-z0-9_-]{20,}", ("glffct-", "glimt-")),
    # CLASSES11.md C14, password-equivalent verifiers: pwdump/secretsdump lines `user:rid:<LM>:<NT>:::` (MS-NLMP
    # NTOWFv1; the NT hash passes the hash), wpa_supplicant.conf `psk=` as 64 hex (the PMK itself) or its passphrase,
    # MIT klist -k -K keys `(0x<hex>)` after the enctype (a keytab key authenticates as the principal).
    # `user:rid:LM:NT:::`; the empty password's LM and NT hashes are public constants (verifiers.py, CLASSES14 D32)
    ("nt_hash", r"(?m)(?<=:)(?!(?i:aad3b435b51404eeaad3b435b51404ee|31d6cfe0d16ae931b73c59d7e0c089c0):)"
                r"[0-9a-fA-F]{32}(?=(?::[0-9a-fA-F]{32})?:::)", (":::",)),
    ("wifi_psk", r"(?:(?<![\w-])|(?<=\\[nrt]))(?:psk|sae_password|wpa_passphrase)=\\?\"?(?![\[$])[^\s\"\\]{8,64}", ("psk=", "sae_password=",
                                                                                            "wpa_passphrase=")),
    ("kerberos_key", r"(?<=\(0x)[0-9a-fA-F]{32,64}(?=\))", ("(0x",)),  # (a pointer is <= 16 hex digits)
    # Dovecot passwd-file / RFC 2307 schemes that store the password or its equivalent (doc.dovecot.org "Password
    # schemes": PLAIN, CLEARTEXT, PLAIN-TRUNC are the password; CRAM-MD5's HMAC context, DIGEST-MD5's HA1, NTLM and
    # LANMAN log in without it). The hashed schemes (`{SSHA}`, `{BLF-CRYPT}`, ...) are verifiers (verifiers.py).
    ("password", "(?:" + "|".join(f"(?<={{{s}}})" for s in (
        "PLAIN", "CLEARTEXT", "PLAIN-TRUNC", "CRAM-MD5", "DIGEST-MD5", "NTLM", "LANMAN", "plain", "cleartext"))
     + r")[^\s:\"'<>\\]{1,256}", ("{plain}", "{cleartext}", "{plain-trunc}", "{cram-md5}", "{digest-md5}", "{ntlm}",
                                    "{lanman}")),
)
