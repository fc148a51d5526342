/* rules.c - the built-in secret rules (rule.h), one struct per kind of
 * secret, written from each provider's own description of its token format
 * (the URL in .docs).
 *
 * How to read and write an entry:
 *  - a rule with `keywords` is found by vectorscan through the keywords
 *    (literal, case-insensitive, each at least 3 bytes) and confirmed by its
 *    PCRE2 regex, which may then use look-around (the LB/RB boundaries
 *    below) and anything else PCRE2 has;
 *  - a rule without keywords is compiled by vectorscan too: its regex has no
 *    look-around and no back-reference, contains a literal of at least 3
 *    bytes, and where a boundary matters it is a character class;
 *  - the secret is capture group `secret_group` (the token itself for
 *    provider tokens, the value for assignments, the password for URLs, the
 *    whole BEGIN...END block for private keys);
 *  - min_entropy (bits per byte of the secret) refuses `ghp_xxxx...` and
 *    `AKIAAAAAAAAAAAAAAAAA`; random tokens of 20+ characters score above 3.5,
 *    so 3.0 leaves room for short ones;
 *  - `allow` lists the values a provider prints in its documentation.
 *
 * Severity: critical for cloud root credentials (AWS, Alibaba, Azure storage
 * account keys) and private keys; high for provider tokens; medium for
 * generic assignments, URLs with passwords and other weaker evidence.
 *
 * Tests: tests/secrets/rules/<group>.txt, at least three cases that fire and
 * two that do not per rule; docs/rules/secrets.md lists every rule. */
#include <string.h>

#include "secrets/checksum.h"
#include "secrets/rule.h"

#define KW(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ALLOW(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Boundaries for PCRE2-only (keyword) rules: a token is not a piece of a
 * longer token.  Binaries glue strings to their neighbours: SQLite stores a
 * row's columns back to back ("GITHUB_TOKENghp_..."), a .pyc puts a type
 * and a length byte before a string ("\xdaPghr_...") and the next object's
 * type byte right after it ("...a6c4N)"), so LB also accepts a token that
 * follows a run of name characters which itself follows a byte no text
 * holds (GLUE; \K starts the match at the token), and formats of a fixed
 * length end where their length says, without RB (HEXEND for hex tails: not
 * a prefix of a longer hex run such as a digest). */
#define GLUE "(?<=[\\x00-\\x08\\x0e-\\x1f\\x7f-\\xff])[A-Za-z0-9_.-]{1,64}?\\K"
#define LBC(cls) "(?:(?<![" cls "])|" GLUE ")"
#define LB LBC("A-Za-z0-9_")
#define RB "(?![A-Za-z0-9_])"
#define RBD "(?![A-Za-z0-9_-])"   /* alphabets with '-' */
#define RB64 "(?![A-Za-z0-9+/=])" /* base64 */
#define HEXEND "(?![0-9A-Fa-f]{4})"

/* A quoted value of 8 to 200 characters without white space: group 1. */
#define QVALUE "(?|\"([^\"\\s\\\\]{8,200})\"|'([^'\\s\\\\]{8,200})'|`([^`\\s\\\\]{8,200})`)"

/* A name and its value, in the ways code and configuration write them:
 *   NAME = VALUE, NAME: VALUE, NAME := VALUE, NAME => VALUE, <NAME>VALUE,
 *   ENV['NAME'] ||= VALUE, NAME = process.env.NAME || VALUE (also ?? and
 *   Python's "get(...) or": a default), f("NAME", VALUE) (setProperty,
 *   Setenv, define),
 *   key="NAME" value="VALUE" (.NET appSettings), Kubernetes env lists
 *   (- name: NAME, then value: VALUE on the next line) and NAME VALUE
 *   (Dockerfile ENV, #define);
 * ASSIGN is what comes between the name and the value's opening quote, for
 * provider rules whose value has a format of its own. */
#define ASSIGN                                                                                     \
        "(?:[\"'`]?\\]?\\s{0,4}(?:=|:=|:(?!:)|=>|>|\\|\\|=)\\s{0,4}"                               \
        "(?:[^\\n;]{0,100}?(?:\\|\\||\\?\\?|[)\\]][ \\t]+or[ \\t])\\s{0,4})?"                      \
        "|[\"'`][ \\t]{0,4},[ \\t]{0,4}|[\"']\\s{1,4}(?i:value)\\s{0,4}=\\s{0,4}"                  \
        "|[\"']?[ \\t]*\\r?\\n[ \\t]*(?:-[ \\t]*)?value[ \\t]*:[ \\t]*|[ \\t]{1,4})[\"'`]?"

/* A value under a secret-ish name in code or configuration: quoted (no
 * white space inside), or bare up to white space, a control byte (a string
 * in a binary) or punctuation that ends a value. */
#define VALUE(min)                                                                                 \
        "(?|\"([^\"\\s\\\\]{" min ",200})\"|'([^'\\s\\\\]{" min ",200})'|"                         \
        "`([^`\\s\\\\]{" min ",200})`|"                                                            \
        "([^\\x00-\\x20\\x7f\"'`;,&<>(){}\\[\\]]{" min ",200})"                                    \
        "(?=[\\x00-\\x20\\x7f;,&)}\\]\"'`]|$))"

/* Names ending in "token" that name no credential: .NET's PublicKeyToken
 * (public by design), pagination and idempotency tokens of APIs
 * (nextToken, page_token, continuationToken, clientToken).  The end of
 * SECRET_NAME; one look-behind each (PCRE2 10.42 wants each of fixed
 * length). */
#define NOT_A_SECRET_NAME                                                                          \
        "(?<!(?i)publickeytoken)(?<!(?i)nexttoken)(?<!(?i)next_token)(?<!(?i)pagetoken)"           \
        "(?<!(?i)page_token)(?<!(?i)continuationtoken)(?<!(?i)clienttoken)"

/* A secret-ish name (generic rule): anything that ends in password,
 * secret, token, api key... ("DB_PASSWORD", "spring.datasource.password",
 * "clientSecret"), or in a word "pass" after another ("db_pass", "dbPass",
 * "DB-PASS"; not "bypass", nor "pass" alone: "PASS: test_x" is a test log),
 * so that "password_hash" and "token_url" are not names of secrets.  The
 * name (48 characters at most) is taken whole (possessive) and its end
 * checked by a look-behind: one pass over the name, not a search for the
 * word at each of its characters. */
#define SECRET_NAME                                                                                \
        "[A-Za-z0-9_.-]{1,48}+(?<=[a-z0-9]Pass|(?i)[_.-]pass"                                      \
        "|passwd|password|passwords|passphrase|secret|secrets|secret[_.-]key|secretkey|token"      \
        "|tokens|apikey|apikeys|api[_.-]key|api[_.-]keys|accesskey|access[_.-]key|auth|authkey"    \
        "|auth[_.-]key|credential|credentials|privatekey|private[_.-]key)" NOT_A_SECRET_NAME

/* The secret-ish words for vectorscan (hs_regex of the generic rule): a
 * superset of SECRET_NAME's last word, caseless. */
#define HS_SECRET_WORD                                                                             \
        "(?:pass|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth|credential"                 \
        "|private[_.-]?key)[A-Za-z_.-]{0,8}"

/* A Discord bot token: the user id in base64, a timestamp, an HMAC. */
#define DISCORD "([MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40})"

/* URL userinfo: user, ':', password (group 2; the user may be empty), '@'.
 * The password is refused when it equals the user (postgres:postgres).  A
 * URL holds no '[', ']' or '\' before its host (RFC 3986 wants them
 * percent-encoded): "ftp://[[user][:password]@]host" is syntax in a manual,
 * "user:passwd\@host" a Pascal comment.  Hosts reserved for documentation
 * (RFC 2606: example.com, .org, .net, *.example, *.invalid; also written
 * "example\&.org" in man pages) have no password anyone can use. */
#define USERINFO                                                                                   \
        "([^\\s:/@?#'\"<>\\[\\]\\\\]{0,128}):(?!\\1@)([^\\s/@'\"<>\\[\\]\\\\]{1,128})@"            \
        "(?!(?:[A-Za-z0-9-]{1,63}\\.){0,8}(?:example(?:\\\\&)?\\.(?:com|net|org)"                  \
        "|[A-Za-z0-9-]{1,63}\\.(?:example|invalid))(?![A-Za-z0-9-]|\\.[A-Za-z0-9]))"               \
        "[A-Za-z0-9._\\[\\]-]{1,253}"

#define FIX_ROTATE "Revoke or rotate the credential, then load it at run time from a secret store"
#define FIX_KEY "Replace the key pair, then keep the private key out of images and repositories"
#define FIX_GENERIC "Move the value to a secret store or the environment and rotate it"
#define FIX_URL                                                                                    \
        "Take the password out of the URL (a secret store or a separate variable) and rotate it"

/* clang-format off */
const struct hull_secret_rule hull_secret_rules[] = {
        /* ---- AWS ---------------------------------------------------------- */
        {
                .id = "aws-access-key-id",
                .title = "AWS access key ID",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("AKIA", "ASIA", "ABIA", "ACCA"),
                .hs_regex = "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
                .regex = LBC("A-Za-z0-9/+") "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9/+])",
                .min_len = 20, .min_entropy = 3.0,
                .allow = ALLOW("AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "ASIAIOSFODNN7EXAMPLE"),
                .fix = "Deactivate and delete the access key in IAM; use roles or the instance metadata service instead",
                .docs = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
        },
        {
                .id = "aws-secret-access-key",
                .title = "AWS secret access key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret",
                               "aws-secret", "awssecret", "secret_key"),
                .regex = "(?i:aws[_.-]?secret(?:[_.-]?access)?[_.-]?key|secret[_.-]?access[_.-]?key"
                         "|aws[_.-]?secret|aws[_.-]?secret[_.-]?key)" ASSIGN
                         "(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})" RB64,
                .secret_group = 1, .min_len = 40, .min_entropy = 4.0,
                .allow = ALLOW("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
                .fix = "Deactivate and delete the access key in IAM; use roles or the instance metadata service instead",
                .docs = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        },
        {
                .id = "aws-session-token",
                .title = "AWS session token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("session_token", "sessiontoken", "session-token", "security_token",
                               "security-token"),
                .regex = "(?i:aws[_.-]?session[_.-]?token|aws[_.-]?security[_.-]?token|session[_.-]?token)"
                         ASSIGN "(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{100,2000}={0,2})" RB64,
                .secret_group = 1, .span = 2200, .min_len = 100, .min_entropy = 4.5,
                .fix = "Revoke the role session (or wait for it to expire) and stop copying temporary credentials into files",
                .docs = "https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html",
        },
        {
                .id = "aws-mws-auth-token",
                .title = "Amazon Marketplace Web Service auth token",
                .severity = HULL_SEV_HIGH,
                .regex = "amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                .min_entropy = 3.0,
                .fix = FIX_ROTATE,
                .docs = "https://developer-docs.amazon.com/sp-api/docs/authorizing-selling-partner-api-applications",
        },

        /* ---- GitHub ------------------------------------------------------- */
        {
                .id = "github-pat",
                .title = "GitHub personal access token (classic)",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ghp_"),
                .regex = LB "ghp_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the token in GitHub (Settings > Developer settings) and use a fine-grained or short-lived token from the environment",
                .docs = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats",
        },
        {
                .id = "github-oauth-token",
                .title = "GitHub OAuth access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("gho_"),
                .regex = LB "gho_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .allow = ALLOW("gho_16C7e42F292c6912E7710c838347Ae178B4a"),
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the OAuth authorization in GitHub and keep tokens out of files",
                .docs = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats",
        },
        {
                .id = "github-user-token",
                .title = "GitHub App user access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ghu_"),
                .regex = LB "ghu_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the token (the user can revoke the app's authorization) and keep tokens out of files",
                .docs = "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app",
        },
        {
                .id = "github-app-token",
                .title = "GitHub App installation access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ghs_"),
                .regex = LB "ghs_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the installation token and mint short-lived tokens at run time",
                .docs = "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app",
        },
        {
                .id = "github-refresh-token",
                .title = "GitHub App refresh token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ghr_"),
                .regex = LB "ghr_(?:[A-Za-z0-9]{76}|[A-Za-z0-9]{36,75}" RB ")",
                .span = 128, .min_len = 40, .min_entropy = 3.5,
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the app's authorization for the user and keep refresh tokens in a secret store",
                .docs = "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
        },
        {
                .id = "github-fine-grained-pat",
                .title = "GitHub fine-grained personal access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("github_pat_"),
                .regex = LB "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
                .min_len = 93, .min_entropy = 4.0,
                .fix = "Revoke the token in GitHub (Settings > Developer settings) and pass it from a secret store",
                .docs = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens#fine-grained-personal-access-tokens",
        },
        {
                .id = "github-legacy-token",
                .title = "GitHub token (40 hex digits) next to a GitHub name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("github", "gh_token", "gh-token", "ghtoken"),
                /* "github" alone is in every URL to github.com */
                .hs_regex = "(?i)(?:github[_.-]?(?:token|pat|oauth[_.-]?token|access[_.-]?token"
                            "|api[_.-]?key|password)|gh[_.-]?token)",
                .regex = "(?i:github[_.-]?(?:token|pat|oauth[_.-]?token|access[_.-]?token|api[_.-]?key|password)"
                         "|gh[_.-]?token)" ASSIGN LB "([0-9a-f]{40})" RB,
                .secret_group = 1, .min_len = 40, .min_entropy = 3.0,
                .fix = "Revoke the token in GitHub and pass a fine-grained token from a secret store",
                .docs = "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
        },

        /* ---- GitLab ------------------------------------------------------- */
        {
                .id = "gitlab-pat",
                .title = "GitLab personal, project or group access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glpat-"),
                .regex = LB "glpat-[A-Za-z0-9_-]{20,64}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?" RBD,
                .span = 128, .min_len = 26, .min_entropy = 3.0,
                .fix = "Revoke the token in GitLab (Access tokens) and pass it from a CI/CD variable or secret store",
                .docs = "https://docs.gitlab.com/security/tokens/#token-prefixes",
        },
        {
                .id = "gitlab-runner-token",
                .title = "GitLab runner authentication token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glrt-"),
                .regex = LB "glrt-[A-Za-z0-9_-]{20,64}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?" RBD,
                .span = 128, .min_len = 25, .min_entropy = 3.0,
                .fix = "Reset the runner's authentication token in GitLab and register the runner from a secret",
                .docs = "https://docs.gitlab.com/security/tokens/#runner-authentication-tokens",
        },
        {
                .id = "gitlab-runner-registration-token",
                .title = "GitLab runner registration token",
                .severity = HULL_SEV_HIGH,
                .regex = "GR1348941[A-Za-z0-9_-]{20}",
                .min_len = 29, .min_entropy = 3.0,
                .fix = "Reset the registration token in GitLab and move to runner authentication tokens",
                .docs = "https://docs.gitlab.com/security/tokens/#runner-registration-tokens-deprecated",
        },
        {
                .id = "gitlab-deploy-token",
                .title = "GitLab deploy token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("gldt-"),
                .regex = LB "gldt-[A-Za-z0-9_-]{20,64}" RBD,
                .span = 96, .min_len = 25, .min_entropy = 3.0,
                .fix = "Revoke the deploy token in GitLab and pass it from a secret store",
                .docs = "https://docs.gitlab.com/user/project/deploy_tokens/",
        },
        {
                .id = "gitlab-trigger-token",
                .title = "GitLab pipeline trigger token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glptt-"),
                .regex = LB "glptt-[A-Za-z0-9_-]{20,64}" RBD,
                .span = 96, .min_len = 26, .min_entropy = 3.0,
                .fix = "Revoke the trigger token in the project's CI/CD settings and keep it in a CI/CD variable",
                .docs = "https://docs.gitlab.com/ci/triggers/",
        },
        {
                .id = "gitlab-ci-job-token",
                .title = "GitLab CI/CD job token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("glcbt-"),
                .regex = LB "glcbt-[A-Za-z0-9_-]{20,80}" RBD,
                .span = 96, .min_len = 26, .min_entropy = 3.0,
                .fix = "Do not persist CI_JOB_TOKEN: it is valid for the job only, so use it from the environment",
                .docs = "https://docs.gitlab.com/ci/jobs/ci_job_token/",
        },
        {
                .id = "gitlab-oauth-secret",
                .title = "GitLab OAuth application secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("gloas-"),
                .regex = LB "gloas-[A-Za-z0-9_-]{64}",
                .span = 96, .min_len = 70, .min_entropy = 3.5,
                .fix = "Renew the application secret in GitLab and keep it in a secret store",
                .docs = "https://docs.gitlab.com/security/tokens/#token-prefixes",
        },
        {
                .id = "gitlab-scim-token",
                .title = "GitLab SCIM OAuth access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glsoat-"),
                .regex = LB "glsoat-[A-Za-z0-9_-]{20,64}" RBD,
                .span = 96, .min_len = 27, .min_entropy = 3.0,
                .fix = "Reset the SCIM token in the group's SAML SSO settings",
                .docs = "https://docs.gitlab.com/security/tokens/#token-prefixes",
        },
        {
                .id = "gitlab-feed-token",
                .title = "GitLab feed token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("glft-"),
                .regex = LB "glft-[A-Za-z0-9_-]{20,64}" RBD,
                .span = 96, .min_len = 25, .min_entropy = 3.0,
                .fix = "Reset the feed token in the user's access token settings",
                .docs = "https://docs.gitlab.com/security/tokens/#feed-token",
        },
        {
                .id = "gitlab-incoming-mail-token",
                .title = "GitLab incoming email token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("glimt-"),
                .regex = LB "glimt-[A-Za-z0-9_-]{25,64}" RBD,
                .span = 96, .min_len = 31, .min_entropy = 3.0,
                .fix = "Reset the incoming email token in the user's access token settings",
                .docs = "https://docs.gitlab.com/security/tokens/#incoming-email-token",
        },
        {
                .id = "gitlab-agent-token",
                .title = "GitLab agent for Kubernetes token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glagent-"),
                .regex = LB "glagent-[A-Za-z0-9_-]{50,100}" RBD,
                .span = 128, .min_len = 58, .min_entropy = 3.5,
                .fix = "Revoke the agent token in GitLab and store the new one as a Kubernetes secret",
                .docs = "https://docs.gitlab.com/user/clusters/agent/work_with_agent/#reset-the-agent-token",
        },
        {
                .id = "gitlab-feature-flags-token",
                .title = "GitLab feature flags client token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("glffct-"),
                .regex = LB "glffct-[A-Za-z0-9_-]{20,64}" RBD,
                .span = 96, .min_len = 27, .min_entropy = 3.0,
                .fix = "Reset the feature flags instance token in the project settings",
                .docs = "https://docs.gitlab.com/security/tokens/#token-prefixes",
        },

        /* ---- Bitbucket and Atlassian --------------------------------------- */
        {
                .id = "bitbucket-app-password",
                .title = "Bitbucket app password",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ATBB"),
                /* 24 random characters and an 8-digit upper-case hex checksum:
                 * "ATBBuffer..." in a C++ symbol is no app password */
                .regex = LB "ATBB[A-Za-z0-9]{24}[0-9A-F]{8}" HEXEND,
                .min_len = 36, .min_entropy = 3.5,
                .fix = "Revoke the app password in Bitbucket (Personal settings) and use an access token from a secret store",
                .docs = "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
        },
        {
                .id = "bitbucket-access-token",
                .title = "Bitbucket repository, project or workspace access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ATCTT3xFfGN0"),
                .regex = LB "ATCTT3xFfGN0[A-Za-z0-9_=-]{100,300}" RBD,
                .span = 320, .min_len = 112, .min_entropy = 4.0,
                .fix = "Revoke the access token in Bitbucket and pass it from a secret store",
                .docs = "https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/",
        },
        {
                .id = "atlassian-api-token",
                .title = "Atlassian API token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ATATT3"),
                .regex = LB "ATATT3[A-Za-z0-9_=-]{150,300}" RBD,
                .span = 320, .min_len = 156, .min_entropy = 4.0,
                .fix = "Revoke the token at id.atlassian.com (Security > API tokens) and keep it in a secret store",
                .docs = "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
        },
        {
                .id = "atlassian-api-token-legacy",
                .title = "Atlassian API token (unprefixed) next to a Jira or Confluence name",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("atlassian", "jira", "confluence"),
                .regex = "(?i:(?:atlassian|jira|confluence)[_.-]?(?:api[_.-]?)?(?:token|key|password|secret))"
                         ASSIGN LB "(?!ATATT3|ATCTT3|ATBB)([A-Za-z0-9]{24})" RBD,
                .secret_group = 1, .min_len = 24, .min_entropy = 3.5,
                .fix = FIX_ROTATE,
                .docs = "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
        },

        /* ---- Slack --------------------------------------------------------- */
        {
                .id = "slack-bot-token",
                .title = "Slack bot token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("xoxb-"),
                .regex = LB "xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}",
                .min_len = 50, .min_entropy = 3.5,
                .fix = "Revoke the token (auth.revoke, or reinstall the app) and load it from a secret store",
                .docs = "https://api.slack.com/authentication/token-types#bot",
        },
        {
                .id = "slack-user-token",
                .title = "Slack user token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("xoxp-"),
                .regex = LB "xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}" HEXEND,
                .span = 128, .min_len = 70, .min_entropy = 3.5,
                .fix = "Revoke the token (auth.revoke) and load it from a secret store",
                .docs = "https://api.slack.com/authentication/token-types#user",
        },
        {
                .id = "slack-app-token",
                .title = "Slack app-level token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("xapp-"),
                .regex = LB "xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{64}" HEXEND,
                .span = 128, .min_len = 90, .min_entropy = 3.5,
                .fix = "Revoke the app-level token in the app's Basic Information page",
                .docs = "https://api.slack.com/authentication/token-types#app-level",
        },
        {
                .id = "slack-config-token",
                .title = "Slack configuration or refresh token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("xoxe"),
                .regex = LB "xoxe(?:\\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,300}" RBD,
                .span = 320, .min_len = 100, .min_entropy = 4.0,
                .fix = "Revoke the configuration token (tooling.tokens.rotate) and keep it in a secret store",
                .docs = "https://api.slack.com/authentication/config-tokens",
        },
        {
                .id = "slack-legacy-token",
                .title = "Slack legacy workspace or user token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("xoxa-", "xoxs-", "xoxr-", "xoxo-"),
                .regex = LB "xox[aors]-(?:[0-9]{1,13}-){1,4}[A-Za-z0-9]{16,64}" RBD,
                .span = 128, .min_len = 30, .min_entropy = 3.5,
                .fix = "Revoke the legacy token and migrate to a Slack app token from a secret store",
                .docs = "https://api.slack.com/legacy/custom-integrations/legacy-tokens",
        },
        {
                .id = "slack-webhook-url",
                .title = "Slack incoming webhook URL",
                .severity = HULL_SEV_HIGH,
                .regex = "https://hooks\\.slack\\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/([A-Za-z0-9]{24,32})",
                .secret_group = 1, .span = 128, .min_len = 24, .min_entropy = 3.5,
                .fix = "Regenerate the webhook URL in the Slack app's Incoming Webhooks page",
                .docs = "https://api.slack.com/messaging/webhooks",
        },
        {
                .id = "slack-workflow-webhook",
                .title = "Slack workflow webhook URL",
                .severity = HULL_SEV_MEDIUM,
                .regex = "https://hooks\\.slack\\.com/(?:workflows|triggers)/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{15,20}/([A-Za-z0-9]{24,32})",
                .secret_group = 1, .span = 160, .min_len = 24, .min_entropy = 3.5,
                .fix = "Recreate the workflow's webhook trigger and keep its URL in a secret store",
                .docs = "https://slack.com/help/articles/360041352714-Build-a-workflow--Create-a-workflow-that-starts-outside-of-Slack",
        },

        /* ---- Stripe -------------------------------------------------------- */
        {
                .id = "stripe-secret-key",
                .title = "Stripe live secret key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sk_live_"),
                .regex = LB "sk_live_[A-Za-z0-9]{24,247}" RB,
                .min_len = 32, .min_entropy = 3.5,
                .fix = "Roll the key in the Stripe Dashboard (Developers > API keys) and load it from a secret store",
                .docs = "https://docs.stripe.com/keys",
        },
        {
                .id = "stripe-restricted-key",
                .title = "Stripe live restricted key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("rk_live_"),
                .regex = LB "rk_live_[A-Za-z0-9]{24,247}" RB,
                .min_len = 32, .min_entropy = 3.5,
                .fix = "Roll the restricted key in the Stripe Dashboard and load it from a secret store",
                .docs = "https://docs.stripe.com/keys#limit-access",
        },
        {
                .id = "stripe-webhook-secret",
                .title = "Stripe webhook signing secret",
                .severity = HULL_SEV_MEDIUM,
                .regex = "whsec_[A-Za-z0-9+/]{32,64}",
                .span = 96, .min_len = 38, .min_entropy = 3.5,
                .fix = "Roll the endpoint's signing secret in the Stripe Dashboard",
                .docs = "https://docs.stripe.com/webhooks#verify-events",
        },

        /* ---- Google -------------------------------------------------------- */
        {
                .id = "google-api-key",
                .title = "Google API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("AIza"),
                .regex = LB "AIza[0-9A-Za-z_-]{35}",
                .min_len = 39, .min_entropy = 3.5,
                .fix = "Delete or regenerate the key in the Google Cloud console and restrict the new one",
                .docs = "https://cloud.google.com/docs/authentication/api-keys",
        },
        {
                .id = "gcp-service-account-key",
                .title = "Google Cloud service account private key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("service_account"),
                .regex = "(?|\"type\"\\s*:\\s*\"service_account\"[\\s\\S]{0,3000}?\"private_key\"\\s*:\\s*"
                         "\"(-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\\\\s]{64,8000}?-----END PRIVATE KEY-----(?:\\\\n)?)\""
                         "|\"private_key\"\\s*:\\s*\"(-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\\\\s]{64,8000}?"
                         "-----END PRIVATE KEY-----(?:\\\\n)?)\"[\\s\\S]{0,3000}?\"type\"\\s*:\\s*\"service_account\")",
                .secret_group = 1, .flags = HULL_SECRET_MULTILINE, .span = 16384, .min_len = 200,
                .min_entropy = 4.0,
                .fix = "Delete the key in IAM (Service accounts > Keys) and use workload identity or a secret store",
                .docs = "https://cloud.google.com/iam/docs/keys-create-delete",
        },
        {
                .id = "gcp-private-key-id",
                .title = "Google Cloud service account key ID",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("private_key_id"),
                .regex = "\"private_key_id\"\\s*:\\s*\"([0-9a-f]{40})\"",
                .secret_group = 1, .min_len = 40, .min_entropy = 3.0,
                .fix = "The key file this ID belongs to is nearby: delete the key in IAM and remove the file",
                .docs = "https://cloud.google.com/iam/docs/keys-create-delete",
        },
        {
                .id = "gcp-oauth-client-secret",
                .title = "Google OAuth client secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("GOCSPX-"),
                .regex = LB "GOCSPX-[A-Za-z0-9_-]{28}",
                .min_len = 35, .min_entropy = 3.5,
                .fix = "Reset the client secret in the Google Cloud console (APIs & Services > Credentials)",
                .docs = "https://developers.google.com/identity/protocols/oauth2",
        },
        {
                .id = "google-oauth-access-token",
                .title = "Google OAuth access token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("ya29."),
                .regex = LB "ya29\\.[A-Za-z0-9_-]{50,2000}" RBD,
                .span = 2100, .min_len = 55, .min_entropy = 4.0,
                .fix = "Revoke the token (oauth2.googleapis.com/revoke) and fetch tokens at run time",
                .docs = "https://cloud.google.com/docs/authentication/token-types#access",
        },
        {
                .id = "gcloud-adc-refresh-token",
                .title = "Google application default credentials (user refresh token)",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("refresh_token"),
                .regex = "\"refresh_token\"\\s*:\\s*\"(1//[A-Za-z0-9_-]{40,300})\"",
                .secret_group = 1, .span = 400, .min_len = 40, .min_entropy = 4.0,
                .path = "(?:^|/)(?:application_default_credentials\\.json|adc\\.json|credentials\\.json)$",
                .fix = "Run gcloud auth application-default revoke and keep user credentials out of images",
                .docs = "https://cloud.google.com/docs/authentication/application-default-credentials",
        },

        /* ---- Azure --------------------------------------------------------- */
        {
                .id = "azure-storage-account-key",
                .title = "Azure storage account key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("AccountKey"),
                .regex = "(?i:AccountKey)\\s*=\\s*([A-Za-z0-9+/]{86}==)",
                .secret_group = 1, .min_len = 88, .min_entropy = 4.5,
                .allow = ALLOW("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="),
                .fix = "Rotate the storage account key and connect with a managed identity or a SAS from a secret store",
                .docs = "https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string",
        },
        {
                .id = "azure-sas-token",
                .title = "Azure shared access signature",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sig="),
                .regex = "(?<![A-Za-z0-9])sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[A-Za-z0-9=&%:._-]{0,400}?"
                         "(?<![A-Za-z0-9])sig=([A-Za-z0-9%+/]{40,100}(?:%3[Dd]|=){0,2})",
                .secret_group = 1, .span = 600, .min_len = 40, .min_entropy = 4.0,
                .fix = "Revoke the SAS (rotate the key it was signed with, or delete its stored access policy)",
                .docs = "https://learn.microsoft.com/en-us/azure/storage/common/storage-sas-overview",
        },
        {
                .id = "azure-shared-access-key",
                .title = "Azure Service Bus, Event Hubs or IoT Hub shared access key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("SharedAccessKey"),
                .regex = "(?i:SharedAccessKey)\\s*=\\s*([A-Za-z0-9+/]{42,43}=)",
                .secret_group = 1, .min_len = 44, .min_entropy = 4.0,
                .fix = "Regenerate the shared access policy's keys and connect with a managed identity",
                .docs = "https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-sas",
        },
        {
                .id = "azure-ad-client-secret",
                .title = "Microsoft Entra ID (Azure AD) client secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("0Q~", "1Q~", "2Q~", "3Q~", "4Q~", "5Q~", "6Q~", "7Q~", "8Q~", "9Q~"),
                .regex = "(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
                .min_len = 37, .min_entropy = 3.5,
                .fix = "Delete the client secret in the app registration and use a certificate or managed identity",
                .docs = "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials",
        },
        {
                .id = "azure-app-config-connection-string",
                .title = "Azure App Configuration connection string",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("azconfig.io"),
                .regex = "Endpoint=https://[A-Za-z0-9-]{1,63}\\.azconfig\\.io;Id=[A-Za-z0-9+/=:-]{1,64};"
                         "Secret=([A-Za-z0-9+/]{43}=)",
                .secret_group = 1, .min_len = 44, .min_entropy = 4.0,
                .fix = "Regenerate the access key in the App Configuration store and use a managed identity",
                .docs = "https://learn.microsoft.com/en-us/azure/azure-app-configuration/rest-api-authentication-hmac",
        },
        {
                .id = "azure-devops-pat",
                .title = "Azure DevOps personal access token next to its name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("devops", "ado_pat", "ado-pat", "azdo", "system.accesstoken"),
                .regex = "(?i:azure[_.-]?devops[_.-]?(?:pat|token|personal[_.-]?access[_.-]?token)|ado[_.-]?pat"
                         "|azdo[_.-]?(?:pat|token)|system[_.-]?accesstoken|devops[_.-]?(?:pat|token))" ASSIGN
                         LB "([a-z2-7]{52}|[A-Za-z0-9]{84})" RB,
                .secret_group = 1, .min_len = 52, .min_entropy = 3.5,
                .fix = "Revoke the token in Azure DevOps (User settings > Personal access tokens)",
                .docs = "https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate",
        },

        /* ---- Twilio, SendGrid, Mailgun, Mailchimp ---------------------------- */
        {
                .id = "twilio-auth-token",
                .title = "Twilio auth token or API key secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("twilio"),
                .regex = "(?i:twilio[A-Za-z0-9_.-]{0,30}?(?:auth[_.-]?token|token|secret|api[_.-]?secret|key[_.-]?secret))"
                         ASSIGN LB "([0-9a-f]{32}|[A-Za-z0-9]{32})" RB,
                .secret_group = 1, .min_len = 32, .min_entropy = 3.0,
                .fix = "Rotate the auth token (or delete the API key) in the Twilio Console",
                .docs = "https://www.twilio.com/docs/iam/credentials/api",
        },
        {
                .id = "twilio-client-credentials",
                .title = "Twilio account SID with its auth token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("twilio"),
                .regex = "(?i:twilio)[^\\n]{0,60}?[\"'](?:AC|SK)[0-9a-f]{32}[\"']\\s*,\\s*[\"']([0-9a-f]{32}|[A-Za-z0-9]{32})[\"']",
                .secret_group = 1, .min_len = 32, .min_entropy = 3.0,
                .fix = "Rotate the auth token in the Twilio Console and read it from the environment",
                .docs = "https://www.twilio.com/docs/iam/credentials/api",
        },
        {
                .id = "twilio-api-key",
                .title = "Twilio API key SID",
                .severity = HULL_SEV_MEDIUM,
                /* no keyword: "SK" is shorter than a keyword may be, so
                 * vectorscan looks for the whole shape */
                .hs_regex = "SK[0-9a-f]{32}",
                .regex = LB "SK[0-9a-f]{32}" HEXEND,
                .min_len = 34, .min_entropy = 3.0,
                .fix = "Delete the API key in the Twilio Console; its secret is likely nearby",
                .docs = "https://www.twilio.com/docs/iam/api-keys",
        },
        {
                .id = "sendgrid-api-key",
                .title = "SendGrid API key",
                .severity = HULL_SEV_HIGH,
                .regex = "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
                .min_len = 69, .min_entropy = 4.0,
                .fix = "Delete the API key in SendGrid (Settings > API Keys) and load its replacement from a secret store",
                .docs = "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
        },
        {
                .id = "mailgun-api-key",
                .title = "Mailgun API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("key-"),
                .hs_regex = "key-[0-9a-f]{32}",
                .regex = LBC("A-Za-z0-9_-") "key-[0-9a-f]{32}" HEXEND,
                .min_len = 36, .min_entropy = 3.0,
                .fix = "Regenerate the API key in the Mailgun control panel",
                .docs = "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/",
        },
        {
                .id = "mailgun-private-key",
                .title = "Mailgun private API key next to a Mailgun name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("mailgun"),
                .regex = "(?i:mailgun)[\\s\\S]{0,80}?(?<![A-Za-z0-9])([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})" RBD,
                .secret_group = 1, .min_len = 50, .min_entropy = 3.0,
                .fix = "Regenerate the API key in the Mailgun control panel",
                .docs = "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/",
        },
        {
                .id = "mailchimp-api-key",
                .title = "Mailchimp Marketing API key",
                .severity = HULL_SEV_HIGH,
                .regex = "(?:^|[^0-9A-Za-z])([0-9a-f]{32}-us[0-9]{1,2})(?:[^0-9A-Za-z]|$)",
                .secret_group = 1, .min_len = 35, .min_entropy = 3.0,
                .fix = "Revoke the key in Mailchimp (Account > Extras > API keys)",
                .docs = "https://mailchimp.com/developer/marketing/guides/quick-start/",
        },
        {
                .id = "mandrill-api-key",
                .title = "Mailchimp Transactional (Mandrill) API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("mandrill"),
                .regex = "(?i:mandrill[A-Za-z0-9_.-]{0,20}?(?:api[_.-]?key|key|token|password))" ASSIGN
                         "(?<![A-Za-z0-9_-])((?:md-)?[A-Za-z0-9_-]{22})" RBD,
                .secret_group = 1, .min_len = 22, .min_entropy = 3.5,
                .fix = "Delete the key in Mailchimp Transactional (Settings > SMTP & API Info)",
                .docs = "https://mailchimp.com/developer/transactional/guides/quick-start/",
        },

        /* ---- Package registries and build services -------------------------- */
        {
                .id = "npm-access-token",
                .title = "npm access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("npm_"),
                .regex = LB "npm_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .validate = hull_secret_base62_crc32_ok,
                .fix = "Revoke the token (npm token revoke) and use a granular token from a CI secret",
                .docs = "https://docs.npmjs.com/about-access-tokens",
        },
        {
                .id = "npmrc-credentials",
                .title = "Credentials in .npmrc",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("_authToken", "_auth", "_password"),
                .regex = "(?<![A-Za-z0-9])(?:_authToken|_auth|_password)\\s*=\\s*[\"']?(?!npm_[A-Za-z0-9]{36}(?![A-Za-z0-9]))([^\\s\"'$]{8,512})",
                .secret_group = 1, .span = 600, .min_len = 8, .min_entropy = 3.0,
                .path = "(?:^|/)\\.?npmrc$",
                .fix = "Remove the line; pass the token as ${NPM_TOKEN} or a build secret (RUN --mount=type=secret)",
                .docs = "https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration",
        },
        {
                .id = "pypi-api-token",
                .title = "PyPI API token",
                .severity = HULL_SEV_HIGH,
                .regex = "pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,400}",
                .span = 512, .min_len = 70, .min_entropy = 4.0,
                .fix = "Remove the token in PyPI (Account settings > API tokens) and use trusted publishing",
                .docs = "https://pypi.org/help/#apitoken",
        },
        {
                .id = "pypirc-password",
                .title = "Password in .pypirc",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("password"),
                .regex = "(?<![A-Za-z0-9_])password\\s*[=:]\\s*(?!pypi-)([^\\s$]{6,512})",
                .secret_group = 1, .span = 600, .min_len = 6, .min_entropy = 2.5,
                .path = "(?:^|/)\\.pypirc$",
                .validate = hull_secret_password_ok,
                .fix = "Remove the password; use a PyPI token from the environment (TWINE_PASSWORD) or trusted publishing",
                .docs = "https://packaging.python.org/en/latest/specifications/pypirc/",
        },
        {
                .id = "dockerhub-pat",
                .title = "Docker Hub personal or organization access token",
                .severity = HULL_SEV_HIGH,
                .regex = "dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,64}",
                .span = 96, .min_len = 36, .min_entropy = 3.5,
                .fix = "Delete the token in Docker Hub (Account settings > Personal access tokens)",
                .docs = "https://docs.docker.com/security/for-developers/access-tokens/",
        },
        {
                .id = "docker-config-auth",
                .title = "Registry credentials in a Docker config.json (auths)",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("\"auth\""),
                .regex = "\"auth\"\\s*:\\s*\"([A-Za-z0-9+/]{4,1000}={0,2})\"",
                .secret_group = 1, .span = 1100, .min_len = 8, .min_entropy = 2.5,
                .path = "(?:^|/)(?:\\.docker/config\\.json|\\.dockercfg|containers/auth\\.json|\\.dockerconfigjson|config\\.json)$",
                .validate = hull_secret_basic_auth_ok,
                .fix = "Log out (docker logout) before the file is copied, or use a credential helper; rotate the password",
                .docs = "https://docs.docker.com/reference/cli/docker/login/#credential-stores",
        },
        {
                .id = "docker-config-identity-token",
                .title = "Registry identity token in a Docker config.json",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("identitytoken", "registrytoken"),
                .regex = "\"(?:identitytoken|registrytoken)\"\\s*:\\s*\"([^\"\\s]{16,4000})\"",
                .secret_group = 1, .span = 4100, .min_len = 16, .min_entropy = 3.5,
                .path = "(?:^|/)(?:\\.docker/config\\.json|\\.dockercfg|containers/auth\\.json|\\.dockerconfigjson|config\\.json)$",
                .fix = "Log out (docker logout) before the file is copied, or use a credential helper",
                .docs = "https://docs.docker.com/reference/cli/docker/login/#credential-stores",
        },
        {
                .id = "rubygems-api-key",
                .title = "RubyGems API key",
                .severity = HULL_SEV_HIGH,
                .regex = "rubygems_[a-f0-9]{48}",
                .min_len = 57, .min_entropy = 3.5,
                .fix = "Delete the key on rubygems.org (Settings > API keys)",
                .docs = "https://guides.rubygems.org/api-key-scopes/",
        },
        {
                .id = "nuget-api-key",
                .title = "NuGet.org API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("oy2"),
                .regex = LB "oy2[a-z0-9]{43}",
                .min_len = 46, .min_entropy = 3.5,
                .fix = "Delete or regenerate the key on nuget.org (API Keys)",
                .docs = "https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys",
        },
        {
                .id = "clojars-token",
                .title = "Clojars deploy token",
                .severity = HULL_SEV_HIGH,
                .regex = "CLOJARS_[a-z0-9]{60}",
                .min_len = 68, .min_entropy = 3.5,
                .fix = "Disable the deploy token on clojars.org",
                .docs = "https://github.com/clojars/clojars-web/wiki/Deploy-Tokens",
        },
        {
                .id = "artifactory-api-key",
                .title = "JFrog Artifactory API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("AKCp"),
                .regex = LB "AKCp[A-Za-z0-9]{69}",
                .min_len = 73, .min_entropy = 4.0,
                .fix = "Revoke the API key in Artifactory and move to access tokens from a secret store",
                .docs = "https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-keys",
        },
        {
                .id = "artifactory-reference-token",
                .title = "JFrog reference (access) token",
                .severity = HULL_SEV_HIGH,
                .regex = "cmVmdGtuOjAxOj[A-Za-z0-9]{50,60}",
                .span = 96, .min_len = 64, .min_entropy = 4.0,
                .fix = "Revoke the token in the JFrog Platform (Administration > Identity and Access > Access Tokens)",
                .docs = "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
        },
        {
                .id = "sonarqube-token",
                .title = "SonarQube token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sqp_", "squ_", "sqa_"),
                .regex = LB "sq[pua]_[a-f0-9]{40}" HEXEND,
                .min_len = 44, .min_entropy = 3.0,
                .fix = "Revoke the token in SonarQube (My Account > Security)",
                .docs = "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/",
        },
        {
                .id = "snyk-token",
                .title = "Snyk API token next to a Snyk name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("snyk"),
                .regex = "(?i:snyk[A-Za-z0-9_.-]{0,20}?(?:token|api[_.-]?key|key|auth))" ASSIGN
                         LB "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})" RBD,
                .secret_group = 1, .min_len = 36, .min_entropy = 3.0,
                .fix = "Revoke the token in Snyk (Account settings) and use a service account token from CI secrets",
                .docs = "https://docs.snyk.io/snyk-api/authentication-for-api",
        },
        {
                .id = "circleci-pat",
                .title = "CircleCI personal API token",
                .severity = HULL_SEV_HIGH,
                .regex = "CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}",
                .min_len = 70, .min_entropy = 3.5,
                .fix = "Delete the token in CircleCI (User settings > Personal API tokens)",
                .docs = "https://circleci.com/docs/managing-api-tokens/",
        },
        {
                .id = "buildkite-token",
                .title = "Buildkite API access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("bkua_"),
                .regex = LB "bkua_[a-f0-9]{40}" HEXEND,
                .min_len = 45, .min_entropy = 3.0,
                .fix = "Revoke the token in Buildkite (Personal settings > API access tokens)",
                .docs = "https://buildkite.com/docs/apis/managing-api-tokens",
        },
        {
                .id = "prefect-api-key",
                .title = "Prefect Cloud API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("pnu_", "pnb_"),
                .regex = LB "pn[ub]_[A-Za-z0-9]{36}",
                .min_len = 40, .min_entropy = 3.5,
                .fix = "Delete the key in Prefect Cloud (Profile > API keys)",
                .docs = "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
        },

        /* ---- Cloud and hosting platforms ------------------------------------ */
        {
                .id = "heroku-api-key",
                .title = "Heroku API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("HRKU-"),
                .regex = LB "HRKU-[A-Za-z0-9_-]{60}",
                .min_len = 65, .min_entropy = 3.5,
                .fix = "Regenerate the API key (heroku authorizations:revoke) and keep it out of images",
                .docs = "https://devcenter.heroku.com/articles/authentication",
        },
        {
                .id = "heroku-api-key-legacy",
                .title = "Heroku API key (UUID) next to a Heroku name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("heroku"),
                .regex = "(?i:heroku[A-Za-z0-9_.-]{0,20}?(?:api[_.-]?key|key|token|password))" ASSIGN
                         LB "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})" RBD,
                .secret_group = 1, .min_len = 36, .min_entropy = 3.0,
                .fix = "Regenerate the API key (heroku authorizations:revoke) and keep it out of images",
                .docs = "https://devcenter.heroku.com/articles/authentication",
        },
        {
                .id = "digitalocean-pat",
                .title = "DigitalOcean personal access token",
                .severity = HULL_SEV_HIGH,
                .regex = "dop_v1_[a-f0-9]{64}",
                .min_len = 71, .min_entropy = 3.5,
                .fix = "Delete the token in the DigitalOcean control panel (API > Tokens)",
                .docs = "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
        },
        {
                .id = "digitalocean-oauth-token",
                .title = "DigitalOcean OAuth access token",
                .severity = HULL_SEV_HIGH,
                .regex = "doo_v1_[a-f0-9]{64}",
                .min_len = 71, .min_entropy = 3.5,
                .fix = "Revoke the OAuth token (POST /v1/oauth/revoke)",
                .docs = "https://docs.digitalocean.com/reference/api/oauth/",
        },
        {
                .id = "digitalocean-refresh-token",
                .title = "DigitalOcean OAuth refresh token",
                .severity = HULL_SEV_HIGH,
                .regex = "dor_v1_[a-f0-9]{64}",
                .min_len = 71, .min_entropy = 3.5,
                .fix = "Revoke the OAuth authorization and keep refresh tokens in a secret store",
                .docs = "https://docs.digitalocean.com/reference/api/oauth/",
        },
        {
                .id = "alibaba-access-key-id",
                .title = "Alibaba Cloud AccessKey ID",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("LTAI"),
                .regex = LB "LTAI(?:[A-Za-z0-9]{20}|[A-Za-z0-9]{12,19}" RB ")",
                .min_len = 16, .min_entropy = 3.0,
                .fix = "Disable and delete the AccessKey pair in the RAM console; use RAM roles instead",
                .docs = "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
        },
        {
                .id = "alibaba-access-key-secret",
                .title = "Alibaba Cloud AccessKey secret",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("alibaba", "aliyun", "alicloud", "accesskeysecret", "access_key_secret"),
                .regex = "(?i:(?:alibaba|aliyun|alicloud)[A-Za-z0-9_.-]{0,20}?(?:secret|access[_.-]?key[_.-]?secret)"
                         "|access[_.-]?key[_.-]?secret)" ASSIGN LB "([A-Za-z0-9]{30})" RB,
                .secret_group = 1, .min_len = 30, .min_entropy = 3.5,
                .fix = "Disable and delete the AccessKey pair in the RAM console; use RAM roles instead",
                .docs = "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
        },
        {
                .id = "databricks-token",
                .title = "Databricks personal access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("dapi"),
                .regex = LB "dapi[a-f0-9]{32}(?:-[0-9](?![A-Za-z0-9_-]))?" HEXEND,
                .min_len = 36, .min_entropy = 3.0,
                .fix = "Revoke the token in Databricks (User settings > Developer > Access tokens)",
                .docs = "https://docs.databricks.com/en/dev-tools/auth/pat.html",
        },
        {
                .id = "databricks-oauth-secret",
                .title = "Databricks service principal OAuth secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("dose"),
                .regex = LB "dose[a-f0-9]{32}" HEXEND,
                .min_len = 36, .min_entropy = 3.0,
                .fix = "Delete the OAuth secret of the service principal in the Databricks account console",
                .docs = "https://docs.databricks.com/en/dev-tools/auth/oauth-m2m.html",
        },
        {
                .id = "cloudflare-api-token",
                .title = "Cloudflare API token next to a Cloudflare name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("cloudflare", "cf_api", "cf-api", "cf_token"),
                .regex = "(?i:(?:cloudflare|cf)[_.-]?(?:api[_.-]?)?token|cloudflare[_.-]?api[_.-]?key)" ASSIGN
                         LB "([A-Za-z0-9_-]{40})" RBD,
                .secret_group = 1, .min_len = 40, .min_entropy = 3.5,
                .fix = "Roll the token in the Cloudflare dashboard (My Profile > API Tokens)",
                .docs = "https://developers.cloudflare.com/fundamentals/api/get-started/create-token/",
        },
        {
                .id = "cloudflare-global-api-key",
                .title = "Cloudflare global API key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("cloudflare", "cf_api_key", "cf-api-key", "x-auth-key", "cf_key", "cf-key",
                               "cf_global", "cf-global"),
                .regex = "(?i:(?:cloudflare|cf)[_.-]?(?:global[_.-]?)?(?:api[_.-]?)?key|x-auth-key)" ASSIGN
                         LB "([0-9a-f]{37})" RB,
                .secret_group = 1, .min_len = 37, .min_entropy = 3.0,
                .fix = "Change the global API key in the Cloudflare dashboard and use scoped API tokens",
                .docs = "https://developers.cloudflare.com/fundamentals/api/get-started/keys/",
        },
        {
                .id = "cloudflare-origin-ca-key",
                .title = "Cloudflare Origin CA key",
                .severity = HULL_SEV_HIGH,
                .regex = "v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}",
                .min_len = 176, .min_entropy = 3.5,
                .fix = "Revoke the Origin CA key in the Cloudflare dashboard",
                .docs = "https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/",
        },
        {
                .id = "fastly-api-token",
                .title = "Fastly API token next to a Fastly name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("fastly"),
                .regex = "(?i:fastly[A-Za-z0-9_.-]{0,20}?(?:api[_.-]?token|token|api[_.-]?key|key))" ASSIGN
                         LB "([A-Za-z0-9_-]{32})" RBD,
                .secret_group = 1, .min_len = 32, .min_entropy = 3.5,
                .fix = "Delete the token in Fastly (Account > API tokens)",
                .docs = "https://docs.fastly.com/en/guides/using-api-tokens",
        },
        {
                .id = "netlify-token",
                .title = "Netlify access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("nfp_", "netlify"),
                .regex = "(?|" LB "(nfp_[A-Za-z0-9]{36})"
                         "|(?i:netlify[A-Za-z0-9_.-]{0,20}?(?:auth[_.-]?token|token|api[_.-]?key))" ASSIGN
                         LB "([A-Za-z0-9_-]{40,46})" RBD ")",
                .secret_group = 1, .min_len = 40, .min_entropy = 3.5,
                .fix = "Revoke the token in Netlify (User settings > Applications)",
                .docs = "https://docs.netlify.com/api/get-started/#authentication",
        },
        {
                .id = "vercel-token",
                .title = "Vercel access token next to a Vercel name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("vercel"),
                .regex = "(?i:vercel[A-Za-z0-9_.-]{0,20}?(?:token|api[_.-]?key))" ASSIGN LB "([A-Za-z0-9]{24})" RB,
                .secret_group = 1, .min_len = 24, .min_entropy = 3.5,
                .fix = "Delete the token in Vercel (Account settings > Tokens)",
                .docs = "https://vercel.com/docs/rest-api#creating-an-access-token",
        },
        {
                .id = "supabase-token",
                .title = "Supabase personal access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sbp_"),
                .regex = LB "sbp_[a-f0-9]{40}" HEXEND,
                .min_len = 44, .min_entropy = 3.0,
                .fix = "Revoke the token in the Supabase dashboard (Account > Access tokens)",
                .docs = "https://supabase.com/docs/reference/api/introduction",
        },
        {
                .id = "supabase-secret-key",
                .title = "Supabase secret API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sb_secret_"),
                .regex = LB "sb_secret_[A-Za-z0-9_-]{30,64}" RBD,
                .span = 96, .min_len = 40, .min_entropy = 3.5,
                .fix = "Delete the secret key in the project's API keys settings and create a new one",
                .docs = "https://supabase.com/docs/guides/api/api-keys",
        },
        {
                .id = "planetscale-token",
                .title = "PlanetScale service token, OAuth token or password",
                .severity = HULL_SEV_HIGH,
                .regex = "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}",
                .span = 96, .min_len = 42, .min_entropy = 3.5,
                .fix = "Delete the service token or password in PlanetScale",
                .docs = "https://planetscale.com/docs/concepts/service-tokens",
        },
        {
                .id = "doppler-token",
                .title = "Doppler token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."),
                .regex = LB "dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{1,40}\\.)?[A-Za-z0-9]{40,44}" RB,
                .span = 128, .min_len = 46, .min_entropy = 3.5,
                .fix = "Revoke the token in the Doppler dashboard",
                .docs = "https://docs.doppler.com/reference/auth-token-formats",
        },
        {
                .id = "onepassword-service-account-token",
                .title = "1Password service account token",
                .severity = HULL_SEV_CRITICAL,
                .regex = "ops_eyJ[A-Za-z0-9+/_=-]{100,1500}",
                .span = 1600, .min_len = 100, .min_entropy = 4.0,
                .fix = "Revoke the service account token in 1Password (Developer > Service accounts)",
                .docs = "https://developer.1password.com/docs/service-accounts/",
        },
        {
                .id = "onepassword-secret-key",
                .title = "1Password account Secret Key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("A3-"),
                .regex = LB "A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
                .min_len = 34, .min_entropy = 3.5,
                .fix = "Regenerate the Secret Key in the 1Password account settings and keep the Emergency Kit offline",
                .docs = "https://support.1password.com/secret-key/",
        },
        {
                .id = "tailscale-key",
                .title = "Tailscale auth key, API key or OAuth client secret",
                .severity = HULL_SEV_HIGH,
                .regex = "tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,40}",
                .span = 96, .min_len = 40, .min_entropy = 3.5,
                .fix = "Revoke the key in the Tailscale admin console (Settings > Keys)",
                .docs = "https://tailscale.com/kb/1085/auth-keys",
        },
        {
                .id = "terraform-cloud-token",
                .title = "Terraform Cloud / HCP Terraform API token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("atlasv1"),
                .regex = LB "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}" RBD,
                .span = 128, .min_len = 82, .min_entropy = 4.0,
                .fix = "Revoke the token in HCP Terraform (User settings > Tokens) and use a TF_TOKEN_* variable from CI",
                .docs = "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
        },
        {
                .id = "pulumi-access-token",
                .title = "Pulumi access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("pul-"),
                .regex = LB "pul-[a-f0-9]{40}" HEXEND,
                .min_len = 44, .min_entropy = 3.0,
                .fix = "Delete the token in Pulumi Cloud (Settings > Access tokens)",
                .docs = "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
        },
        {
                .id = "yandex-api-key",
                .title = "Yandex Cloud API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("AQVN"),
                .regex = LB "AQVN[A-Za-z0-9_-]{35,38}" RBD,
                .min_len = 39, .min_entropy = 3.5,
                .fix = "Delete the service account's API key in Yandex Cloud",
                .docs = "https://yandex.cloud/en/docs/iam/concepts/authorization/api-key",
        },
        {
                .id = "yandex-iam-token",
                .title = "Yandex Cloud IAM token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("t1.9euel"),
                .regex = LB "t1\\.9euel[A-Za-z0-9_-]{50,400}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}" RBD,
                .span = 600, .min_len = 100, .min_entropy = 4.0,
                .fix = "IAM tokens live 12 hours: stop storing them and fetch one at run time",
                .docs = "https://yandex.cloud/en/docs/iam/concepts/authorization/iam-token",
        },

        /* ---- Commerce and payments ------------------------------------------ */
        {
                .id = "shopify-access-token",
                .title = "Shopify Admin API access token",
                .severity = HULL_SEV_HIGH,
                .regex = "shpat_[a-fA-F0-9]{32}",
                .min_len = 38, .min_entropy = 3.0,
                .fix = "Uninstall and reinstall the app (or rotate the token) in the Shopify admin",
                .docs = "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin",
        },
        {
                .id = "shopify-shared-secret",
                .title = "Shopify app shared secret",
                .severity = HULL_SEV_HIGH,
                .regex = "shpss_[a-fA-F0-9]{32}",
                .min_len = 38, .min_entropy = 3.0,
                .fix = "Rotate the app's client secret in the Shopify Partner Dashboard",
                .docs = "https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets",
        },
        {
                .id = "shopify-custom-app-token",
                .title = "Shopify custom app access token",
                .severity = HULL_SEV_HIGH,
                .regex = "shpca_[a-fA-F0-9]{32}",
                .min_len = 38, .min_entropy = 3.0,
                .fix = "Rotate the custom app's access token in the Shopify admin",
                .docs = "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin",
        },
        {
                .id = "shopify-private-app-token",
                .title = "Shopify private app access token",
                .severity = HULL_SEV_HIGH,
                .regex = "shppa_[a-fA-F0-9]{32}",
                .min_len = 38, .min_entropy = 3.0,
                .fix = "Delete the private app and recreate it as a custom app",
                .docs = "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin",
        },
        {
                .id = "square-access-token",
                .title = "Square access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("EAAA", "sq0atp-"),
                .hs_regex = "EAAA[A-Za-z0-9_-]{24}|sq0atp-[A-Za-z0-9_-]{22}",
                .regex = LB "(?:EAAA[A-Za-z0-9_-]{60}" RBD "|sq0atp-[A-Za-z0-9_-]{22})",
                .min_len = 29, .min_entropy = 3.5,
                .fix = "Revoke the access token in the Square Developer Dashboard",
                .docs = "https://developer.squareup.com/docs/build-basics/access-tokens",
        },
        {
                .id = "square-oauth-secret",
                .title = "Square OAuth application secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sq0csp-"),
                .regex = LB "sq0csp-[A-Za-z0-9_-]{43}",
                .min_len = 50, .min_entropy = 3.5,
                .fix = "Replace the application secret in the Square Developer Dashboard",
                .docs = "https://developer.squareup.com/docs/oauth-api/overview",
        },
        {
                .id = "paypal-braintree-access-token",
                .title = "PayPal / Braintree production access token",
                .severity = HULL_SEV_HIGH,
                .regex = "access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}",
                .min_len = 72, .min_entropy = 3.5,
                .fix = "Revoke the access token in the Braintree control panel",
                .docs = "https://developer.paypal.com/braintree/docs/guides/authorization/overview",
        },
        {
                .id = "adobe-client-secret",
                .title = "Adobe Developer Console client secret",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("p8e-"),
                .regex = LB "p8e-[A-Za-z0-9_-]{32}",
                .min_len = 36, .min_entropy = 3.5,
                .fix = "Rotate the client secret in the Adobe Developer Console",
                .docs = "https://developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/implementation/",
        },
        {
                .id = "facebook-access-token",
                .title = "Facebook (Meta) access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("EAA"),
                .hs_regex = "EAA[A-Z][A-Za-z0-9]{24}",
                .regex = LB "EAA[A-Z][A-Za-z0-9]{100,300}" RB,
                .span = 320, .min_len = 104, .min_entropy = 4.0,
                .fix = "Invalidate the token (log the user out, reset the app secret) and fetch tokens at run time",
                .docs = "https://developers.facebook.com/docs/facebook-login/guides/access-tokens",
        },

        /* ---- Monitoring and error tracking ---------------------------------- */
        {
                .id = "datadog-api-key",
                .title = "Datadog API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("datadog", "dd_api", "dd-api", "ddapi"),
                .regex = "(?i:(?:datadog|dd)[_.-]?api[_.-]?key|datadog[_.-]?key)" ASSIGN LB "([a-f0-9]{32})" RB,
                .secret_group = 1, .min_len = 32, .min_entropy = 3.0,
                .fix = "Revoke the API key in Datadog (Organization settings > API keys)",
                .docs = "https://docs.datadoghq.com/account_management/api-app-keys/",
        },
        {
                .id = "datadog-app-key",
                .title = "Datadog application key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("datadog", "dd_app", "dd-app", "ddapp"),
                .regex = "(?i:(?:datadog|dd)[_.-]?app(?:lication)?[_.-]?key)" ASSIGN LB "([a-f0-9]{40})" RB,
                .secret_group = 1, .min_len = 40, .min_entropy = 3.0,
                .fix = "Revoke the application key in Datadog (Organization settings > Application keys)",
                .docs = "https://docs.datadoghq.com/account_management/api-app-keys/",
        },
        {
                .id = "newrelic-user-api-key",
                .title = "New Relic user API key",
                .severity = HULL_SEV_HIGH,
                .regex = "NRAK-[A-Z0-9]{27}",
                .min_len = 32, .min_entropy = 3.5,
                .fix = "Delete the key in New Relic (API keys)",
                .docs = "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
        },
        {
                .id = "newrelic-insert-key",
                .title = "New Relic Insights insert or query key",
                .severity = HULL_SEV_MEDIUM,
                .regex = "NRI[IQ]-[A-Za-z0-9_-]{32}",
                .min_len = 37, .min_entropy = 3.5,
                .fix = "Delete the key in New Relic (API keys) and create an ingest license key in its place",
                .docs = "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#insights-insert-key",
        },
        {
                .id = "newrelic-license-key",
                .title = "New Relic ingest license key",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("NRAL"),
                .regex = LB "[a-f0-9]{36}NRAL" RB,
                .min_len = 40, .min_entropy = 3.0,
                .fix = "Rotate the license key in New Relic (API keys)",
                .docs = "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#license-key",
        },
        {
                .id = "newrelic-browser-key",
                .title = "New Relic browser ingest key",
                .severity = HULL_SEV_MEDIUM,
                .regex = "NRJS-[a-f0-9]{19}",
                .min_len = 24, .min_entropy = 3.0,
                .fix = "Rotate the browser key in New Relic (API keys)",
                .docs = "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#browser-key",
        },
        {
                .id = "sentry-org-token",
                .title = "Sentry organization auth token",
                .severity = HULL_SEV_HIGH,
                .regex = "sntrys_eyJ[A-Za-z0-9+/=_-]{80,400}",
                .span = 512, .min_len = 90, .min_entropy = 4.0,
                .fix = "Revoke the token in Sentry (Settings > Auth Tokens)",
                .docs = "https://docs.sentry.io/account/auth-tokens/",
        },
        {
                .id = "sentry-user-token",
                .title = "Sentry user auth token",
                .severity = HULL_SEV_HIGH,
                .regex = "sntryu_[a-f0-9]{64}",
                .min_len = 71, .min_entropy = 3.5,
                .fix = "Revoke the token in Sentry (User settings > Personal Tokens)",
                .docs = "https://docs.sentry.io/account/auth-tokens/",
        },
        {
                .id = "sentry-dsn-secret",
                .title = "Sentry DSN with its secret key",
                .severity = HULL_SEV_MEDIUM,
                .regex = "https?://[0-9a-f]{32}:([0-9a-f]{32})@[A-Za-z0-9.-]{0,100}sentry[A-Za-z0-9.-]{0,100}(?::[0-9]{2,5})?/[0-9]{1,12}",
                .secret_group = 1, .span = 320, .min_len = 32, .min_entropy = 3.0,
                .fix = "Drop the secret from the DSN (it is deprecated) and rotate the project key",
                .docs = "https://docs.sentry.io/concepts/key-terms/dsn-explainer/",
        },
        {
                .id = "grafana-cloud-token",
                .title = "Grafana Cloud access policy token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("glc_"),
                .regex = LB "glc_[A-Za-z0-9+/]{32,400}={0,2}" RB64,
                .span = 420, .min_len = 36, .min_entropy = 4.0,
                .fix = "Delete the token in Grafana Cloud (Access policies)",
                .docs = "https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/",
        },
        {
                .id = "grafana-service-account-token",
                .title = "Grafana service account token",
                .severity = HULL_SEV_HIGH,
                .regex = "glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
                .min_len = 46, .min_entropy = 3.5,
                .fix = "Delete the token in Grafana (Administration > Service accounts)",
                .docs = "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
        },
        {
                .id = "grafana-api-key",
                .title = "Grafana API key (legacy)",
                .severity = HULL_SEV_HIGH,
                .regex = "eyJrIjoi[A-Za-z0-9]{60,400}={0,2}",
                .span = 420, .min_len = 68, .min_entropy = 4.0,
                .fix = "Delete the API key in Grafana and migrate to a service account token",
                .docs = "https://grafana.com/docs/grafana/latest/administration/api-keys/",
        },

        /* ---- Chat, collaboration and SaaS ----------------------------------- */
        {
                .id = "telegram-bot-token",
                .title = "Telegram bot token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW(":AA"),
                .regex = LBC("A-Za-z0-9_:") "[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
                .min_len = 44, .min_entropy = 3.5,
                .allow = ALLOW("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"),
                .fix = "Revoke the token with @BotFather (/revoke) and load the new one from a secret store",
                .docs = "https://core.telegram.org/bots/api#authorizing-your-bot",
        },
        {
                .id = "discord-bot-token",
                .title = "Discord bot token next to a Discord name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("discord"),
                .regex = "(?|(?i:discord)[\\s\\S]{0,80}?(?<![A-Za-z0-9_-])" DISCORD RBD
                         "|(?<![A-Za-z0-9_-])" DISCORD RBD "[^\\n]{0,80}?(?i:discord))",
                .secret_group = 1, .min_len = 59, .min_entropy = 4.0,
                .fix = "Reset the bot token in the Discord Developer Portal (Bot > Reset Token)",
                .docs = "https://discord.com/developers/docs/reference#authentication",
        },
        {
                .id = "discord-webhook",
                .title = "Discord webhook URL",
                .severity = HULL_SEV_MEDIUM,
                .regex = "https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,68})",
                .secret_group = 1, .span = 160, .min_len = 60, .min_entropy = 4.0,
                .fix = "Delete the webhook in the channel settings (Integrations) and create a new one",
                .docs = "https://discord.com/developers/docs/resources/webhook",
        },
        {
                .id = "teams-webhook",
                .title = "Microsoft Teams incoming webhook URL",
                .severity = HULL_SEV_MEDIUM,
                .regex = "https://[A-Za-z0-9-]{1,63}\\.webhook\\.office\\.com/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/([0-9a-f]{32})/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{20,64})?",
                .secret_group = 1, .span = 400, .min_len = 32, .min_entropy = 3.0,
                .fix = "Remove the connector from the channel and create a new webhook",
                .docs = "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
        },
        {
                .id = "linear-api-key",
                .title = "Linear API key",
                .severity = HULL_SEV_HIGH,
                .regex = "lin_api_[A-Za-z0-9]{40}",
                .min_len = 48, .min_entropy = 3.5,
                .fix = "Revoke the key in Linear (Settings > Security & access > API keys)",
                .docs = "https://linear.app/developers/graphql#personal-api-keys",
        },
        {
                .id = "notion-token",
                .title = "Notion integration token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("ntn_", "secret_"),
                .regex = LB "(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})",
                .min_len = 50, .min_entropy = 3.5,
                .fix = "Refresh the integration's secret in Notion (Settings > Integrations)",
                .docs = "https://developers.notion.com/docs/authorization",
        },
        {
                .id = "asana-pat",
                .title = "Asana personal access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("asana"),
                .regex = "(?i:asana)[\\s\\S]{0,80}?(?<![A-Za-z0-9/])([0-9]/[0-9]{16}(?:/[0-9]{16})?:[A-Za-z0-9]{32})" RB,
                .secret_group = 1, .min_len = 51, .min_entropy = 3.5,
                .fix = "Revoke the token in Asana (My settings > Apps > Developer apps)",
                .docs = "https://developers.asana.com/docs/personal-access-token",
        },
        {
                .id = "figma-pat",
                .title = "Figma personal access token",
                .severity = HULL_SEV_HIGH,
                .regex = "figd_[A-Za-z0-9_-]{40}",
                .min_len = 45, .min_entropy = 3.5,
                .fix = "Revoke the token in Figma (Settings > Security > Personal access tokens)",
                .docs = "https://www.figma.com/developers/api#access-tokens",
        },
        {
                .id = "dropbox-access-token",
                .title = "Dropbox short-lived access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sl."),
                .hs_regex = "sl\\.(?:u\\.)?[A-Za-z0-9_-]{32}",
                .regex = LBC("A-Za-z0-9_.-") "sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1400}" RBD,
                .span = 1500, .min_len = 133, .min_entropy = 4.0,
                .fix = "Revoke the token (auth/token/revoke) and keep refresh tokens in a secret store",
                .docs = "https://developers.dropbox.com/oauth-guide",
        },
        {
                .id = "postman-api-key",
                .title = "Postman API key",
                .severity = HULL_SEV_HIGH,
                .regex = "PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
                .min_len = 64, .min_entropy = 3.5,
                .fix = "Delete the key in Postman (Settings > API keys)",
                .docs = "https://learning.postman.com/docs/developer/postman-api/authentication/",
        },
        {
                .id = "contentful-pat",
                .title = "Contentful personal access token",
                .severity = HULL_SEV_HIGH,
                .regex = "CFPAT-[A-Za-z0-9_-]{43}",
                .min_len = 49, .min_entropy = 3.5,
                .fix = "Revoke the token in Contentful (Settings > CMA tokens)",
                .docs = "https://www.contentful.com/developers/docs/references/authentication/",
        },
        {
                .id = "frameio-token",
                .title = "Frame.io developer token",
                .severity = HULL_SEV_HIGH,
                .regex = "fio-u-[A-Za-z0-9_=-]{64}",
                .min_len = 70, .min_entropy = 3.5,
                .fix = "Delete the token in the Frame.io developer site",
                .docs = "https://developer.frame.io/docs/getting-started/authentication",
        },
        {
                .id = "okta-api-token",
                .title = "Okta API token next to an Okta name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("okta"),
                .regex = "(?i:okta[A-Za-z0-9_.-]{0,20}?(?:api[_.-]?token|token|api[_.-]?key|key|ssws))" ASSIGN
                         "(?:SSWS\\s+)?" LB "(00[A-Za-z0-9_-]{40})" RBD,
                .secret_group = 1, .min_len = 42, .min_entropy = 3.5,
                .fix = "Revoke the token in the Okta admin console (Security > API > Tokens)",
                .docs = "https://developer.okta.com/docs/guides/create-an-api-token/main/",
        },
        {
                .id = "algolia-admin-key",
                .title = "Algolia admin or write API key next to an Algolia name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("algolia"),
                .regex = "(?i:algolia[A-Za-z0-9_.-]{0,20}?(?:admin|write|secret|private)[A-Za-z0-9_.-]{0,10}?key)"
                         ASSIGN LB "([a-f0-9]{32})" RB,
                .secret_group = 1, .min_len = 32, .min_entropy = 3.0,
                .fix = "Regenerate the admin API key in the Algolia dashboard (API Keys)",
                .docs = "https://www.algolia.com/doc/guides/security/api-keys/",
        },
        {
                .id = "mapbox-secret-token",
                .title = "Mapbox secret access token",
                .severity = HULL_SEV_HIGH,
                .regex = "sk\\.eyJ1Ijoi[A-Za-z0-9_-]{10,200}\\.[A-Za-z0-9_-]{22}",
                .span = 300, .min_len = 50, .min_entropy = 4.0,
                .fix = "Delete the secret token in Mapbox (Account > Access tokens)",
                .docs = "https://docs.mapbox.com/accounts/guides/tokens/",
        },
        {
                .id = "firebase-fcm-server-key",
                .title = "Firebase Cloud Messaging legacy server key",
                .severity = HULL_SEV_HIGH,
                .regex = "AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
                .min_len = 152, .min_entropy = 4.0,
                .fix = "Delete the server key in the Firebase console and move to the HTTP v1 API with OAuth",
                .docs = "https://firebase.google.com/docs/cloud-messaging/auth-server",
        },

        /* ---- AI providers --------------------------------------------------- */
        {
                .id = "openai-api-key",
                .title = "OpenAI API key (user key)",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("T3BlbkFJ"),
                .regex = LB "sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
                .min_len = 51, .min_entropy = 4.0,
                .fix = "Revoke the key in the OpenAI platform (API keys) and load keys from a secret store",
                .docs = "https://platform.openai.com/docs/api-reference/authentication",
        },
        {
                .id = "openai-project-key",
                .title = "OpenAI project API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sk-proj-"),
                .regex = LB "sk-proj-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}" RBD,
                .span = 420, .min_len = 60, .min_entropy = 4.0,
                .fix = "Revoke the key in the OpenAI platform (Project > API keys)",
                .docs = "https://platform.openai.com/docs/api-reference/authentication",
        },
        {
                .id = "openai-service-account-key",
                .title = "OpenAI service account key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("sk-svcacct-"),
                .regex = LB "sk-svcacct-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}" RBD,
                .span = 420, .min_len = 60, .min_entropy = 4.0,
                .fix = "Delete the service account's key in the OpenAI platform",
                .docs = "https://platform.openai.com/docs/api-reference/project-service-accounts",
        },
        {
                .id = "openai-admin-key",
                .title = "OpenAI admin API key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("sk-admin-"),
                .regex = LB "sk-admin-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}" RBD,
                .span = 420, .min_len = 60, .min_entropy = 4.0,
                .fix = "Delete the admin key in the OpenAI organization settings",
                .docs = "https://platform.openai.com/docs/api-reference/admin-api-keys",
        },
        {
                .id = "anthropic-api-key",
                .title = "Anthropic API key",
                .severity = HULL_SEV_HIGH,
                .regex = "sk-ant-api03-[A-Za-z0-9_-]{93}AA",
                .span = 128, .min_len = 108, .min_entropy = 4.0,
                .fix = "Disable the key in the Anthropic Console (API keys) and load keys from a secret store",
                .docs = "https://docs.anthropic.com/en/api/getting-started",
        },
        {
                .id = "anthropic-admin-key",
                .title = "Anthropic Admin API key",
                .severity = HULL_SEV_CRITICAL,
                .regex = "sk-ant-admin01-[A-Za-z0-9_-]{93}AA",
                .span = 128, .min_len = 110, .min_entropy = 4.0,
                .fix = "Delete the admin key in the Anthropic Console",
                .docs = "https://docs.anthropic.com/en/api/administration-api",
        },
        {
                .id = "huggingface-token",
                .title = "Hugging Face access token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("hf_"),
                .regex = LB "hf_[A-Za-z0-9]{34}",
                .min_len = 37, .min_entropy = 3.5,
                .fix = "Invalidate the token in Hugging Face (Settings > Access Tokens)",
                .docs = "https://huggingface.co/docs/hub/security-tokens",
        },
        {
                .id = "huggingface-org-token",
                .title = "Hugging Face organization API token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("api_org_"),
                .regex = LB "api_org_[A-Za-z0-9]{34}",
                .min_len = 42, .min_entropy = 3.5,
                .fix = "Invalidate the organization token in Hugging Face",
                .docs = "https://huggingface.co/docs/hub/security-tokens",
        },
        {
                .id = "groq-api-key",
                .title = "Groq API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("gsk_"),
                .regex = LB "gsk_[A-Za-z0-9]{52}",
                .min_len = 56, .min_entropy = 3.5,
                .fix = "Delete the key in the Groq console (API Keys)",
                .docs = "https://console.groq.com/docs/quickstart",
        },
        {
                .id = "replicate-api-token",
                .title = "Replicate API token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("r8_"),
                .regex = LB "r8_[A-Za-z0-9]{37}",
                .min_len = 40, .min_entropy = 3.5,
                .fix = "Disable the token in Replicate (Account > API tokens)",
                .docs = "https://replicate.com/docs/topics/security/api-tokens",
        },
        {
                .id = "perplexity-api-key",
                .title = "Perplexity API key",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("pplx-"),
                .regex = LB "pplx-[A-Za-z0-9]{48}",
                .min_len = 53, .min_entropy = 3.5,
                .fix = "Revoke the key in the Perplexity API settings",
                .docs = "https://docs.perplexity.ai/guides/getting-started",
        },

        /* ---- HashiCorp Vault ------------------------------------------------ */
        {
                .id = "vault-service-token",
                .title = "HashiCorp Vault service token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("hvs."),
                .regex = LB "hvs\\.[A-Za-z0-9_-]{24,180}" RBD,
                .span = 200, .min_len = 28, .min_entropy = 3.5,
                .fix = "Revoke the token (vault token revoke) and authenticate workloads with an auth method",
                .docs = "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
        },
        {
                .id = "vault-batch-token",
                .title = "HashiCorp Vault batch token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("hvb."),
                .regex = LB "hvb\\.[A-Za-z0-9_-]{100,400}" RBD,
                .span = 420, .min_len = 104, .min_entropy = 4.0,
                .fix = "Batch tokens cannot be revoked: let it expire, shorten the TTL, and stop storing tokens",
                .docs = "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
        },
        {
                .id = "vault-legacy-token",
                .title = "HashiCorp Vault token (pre-1.10 format) next to a Vault name",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("vault"),
                .regex = "(?i:vault[_.-]?token|x-vault-token)" ASSIGN LB "([sb]\\.[A-Za-z0-9]{24})" RB,
                .secret_group = 1, .min_len = 26, .min_entropy = 3.5,
                .fix = "Revoke the token (vault token revoke) and authenticate workloads with an auth method",
                .docs = "https://developer.hashicorp.com/vault/docs/concepts/tokens",
        },

        /* ---- Encryption keys -------------------------------------------------- */
        {
                .id = "age-secret-key",
                .title = "age secret key",
                .severity = HULL_SEV_CRITICAL,
                .regex = "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
                .min_len = 74, .min_entropy = 3.5,
                .fix = "Generate a new identity (age-keygen), re-encrypt what the old one protected, and keep it out of images",
                .docs = "https://age-encryption.org/v1",
        },

        /* ---- Private keys (PEM and friends) ---------------------------------- */
        {
                .id = "private-key-rsa",
                .title = "RSA private key (PKCS#1)",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN RSA PRIVATE KEY-----[A-Za-z0-9+/=\\s:,\\\\-]{64,32000}?-----END RSA PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2",
        },
        {
                .id = "private-key-ec",
                .title = "EC private key (SEC 1)",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN EC PRIVATE KEY-----[A-Za-z0-9+/=\\s:,\\\\-]{64,32000}?-----END EC PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://www.rfc-editor.org/rfc/rfc5915",
        },
        {
                .id = "private-key-dsa",
                .title = "DSA private key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN DSA PRIVATE KEY-----[A-Za-z0-9+/=\\s:,\\\\-]{64,32000}?-----END DSA PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://www.openssl.org/docs/man3.0/man1/openssl-dsa.html",
        },
        {
                .id = "private-key-openssh",
                .title = "OpenSSH private key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN OPENSSH PRIVATE KEY-----[A-Za-z0-9+/=\\s\\\\]{64,32000}?-----END OPENSSH PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key",
        },
        {
                .id = "private-key-pgp",
                .title = "PGP private key block",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY BLOCK"),
                .regex = "-----BEGIN PGP PRIVATE KEY BLOCK-----[A-Za-z0-9+/=\\s:,.()@<>'\"_\\\\-]{64,32000}?-----END PGP PRIVATE KEY BLOCK-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = "Revoke the key (publish its revocation certificate) and keep secret keys in a hardware token or secret store",
                .docs = "https://www.rfc-editor.org/rfc/rfc4880#section-6.2",
        },
        {
                .id = "private-key-pkcs8",
                .title = "Private key (PKCS#8)",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\s\\\\]{64,32000}?-----END PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 110, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://www.rfc-editor.org/rfc/rfc5208#section-5",
        },
        {
                .id = "private-key-encrypted",
                .title = "Encrypted private key (PKCS#8)",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("PRIVATE KEY"),
                .regex = "-----BEGIN ENCRYPTED PRIVATE KEY-----[A-Za-z0-9+/=\\s\\\\]{64,32000}?-----END ENCRYPTED PRIVATE KEY-----",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = "Replace the key pair: an encrypted key is only as strong as its passphrase, which may be nearby",
                .docs = "https://www.rfc-editor.org/rfc/rfc5958#section-3",
        },
        {
                .id = "private-key-putty",
                .title = "PuTTY private key",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("PuTTY-User-Key-File-"),
                .regex = "PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\\r?\\n[\\s\\S]{0,16000}?Private-Lines: [0-9]{1,4}\\r?\\n"
                         "[A-Za-z0-9+/=\\r\\n]{40,16000}?Private-MAC: [0-9a-f]{40,64}",
                .flags = HULL_SECRET_MULTILINE, .span = 32768, .min_len = 120, .min_entropy = 4.0,
                .fix = FIX_KEY,
                .docs = "https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",
        },

        /* ---- JSON Web Tokens ------------------------------------------------- */
        {
                .id = "jwt",
                .title = "JSON Web Token",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("eyJ"),
                .hs_regex = "eyJ[A-Za-z0-9_-]{12}",
                .regex = LBC("A-Za-z0-9_.-") "eyJ[A-Za-z0-9_-]{12,2000}\\.eyJ[A-Za-z0-9_-]{12,8000}\\.[A-Za-z0-9_-]{16,1400}" RBD,
                .span = 12000, .min_len = 60, .min_entropy = 4.0,
                .allow = ALLOW("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
                .validate = hull_secret_jwt_ok,
                .fix = "Invalidate the token (rotate the signing key if it does not expire) and fetch tokens at run time",
                .docs = "https://www.rfc-editor.org/rfc/rfc7519",
        },

        /* ---- URLs and connection strings with passwords ---------------------- */
        {
                .id = "url-password-postgres",
                .title = "PostgreSQL connection URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("postgres://", "postgresql://", "postgres+", "postgresql+"),
                .regex = "(?i:postgres(?:ql)?(?:\\+[a-z0-9]+)?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
        },
        {
                .id = "url-password-mysql",
                .title = "MySQL or MariaDB connection URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("mysql://", "mysql+", "mysqlx://", "mariadb://", "mariadb+"),
                .regex = "(?i:(?:mysql|mysqlx|mariadb)(?:\\+[a-z0-9]+)?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html",
        },
        {
                .id = "url-password-mongodb",
                .title = "MongoDB connection string with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("mongodb://", "mongodb+srv://"),
                .regex = "(?i:mongodb(?:\\+srv)?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.mongodb.com/docs/manual/reference/connection-string/",
        },
        {
                .id = "url-password-redis",
                .title = "Redis URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("redis://", "rediss://", "redis+sentinel://"),
                .regex = "(?i:rediss?(?:\\+sentinel)?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.iana.org/assignments/uri-schemes/prov/redis",
        },
        {
                .id = "url-password-amqp",
                .title = "AMQP (RabbitMQ) URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("amqp://", "amqps://"),
                .regex = "(?i:amqps?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.rabbitmq.com/docs/uri-spec",
        },
        {
                .id = "url-password-ftp",
                .title = "FTP or SFTP URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("ftp://", "ftps://", "sftp://"),
                .regex = "(?i:s?ftps?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.rfc-editor.org/rfc/rfc1738#section-3.2",
        },
        {
                .id = "url-password-http",
                .title = "HTTP URL with basic-auth credentials",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("http://", "https://"),
                /* only URLs with a user-info part, not every URL */
                .hs_regex = "(?i)https?://[^\\s:/@?#'\"<>]{0,128}:[^\\s/@'\"<>]{1,128}@",
                .regex = LBC("A-Za-z0-9+.-") "(?i:https?)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                /* GitHub's convention for a token as the user name: no secret */
                .allow = ALLOW("x-oauth-basic"),
                .fix = FIX_URL,
                .docs = "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
        },
        {
                .id = "url-password-jdbc",
                .title = "JDBC URL with a password parameter",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("jdbc:"),
                .regex = "(?i:jdbc):[a-z0-9:]{2,40}[^\\s\"'<>]{0,300}?[?&;:](?i:password|pwd)=([^\\s&;\"'<>]{1,128})",
                .secret_group = 1, .span = 512, .min_len = 4, .min_entropy = 2.0,
                .validate = hull_secret_password_ok,
                .fix = FIX_URL,
                .docs = "https://jdbc.postgresql.org/documentation/use/#connection-parameters",
        },
        {
                .id = "url-password-other",
                .title = "LDAP, SMTP, IMAP, SVN or other service URL with a password",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("ldap://", "ldaps://", "smtp://", "smtps://", "imap://", "imaps://", "pop3://",
                               "svn://", "svn+ssh://", "ssh://", "nats://", "kafka://", "mqtt://", "mssql://",
                               "sqlserver://", "couchdb://", "cassandra://", "neo4j://", "bolt://", "clickhouse://",
                               "influxdb://", "memcached://", "elasticsearch://", "git://"),
                .regex = LBC("A-Za-z0-9+.-") "(?i:ldaps?|smtps?|imaps?|pop3|svn(?:\\+ssh)?|ssh|nats|kafka|mqtt|mssql"
                         "|sqlserver|couchdb|cassandra|neo4j|bolt|clickhouse|influxdb|memcached|elasticsearch|git)://" USERINFO,
                .secret_group = 2, .flags = HULL_SECRET_GENERIC, .min_len = 4, .min_entropy = 2.0,
                .fix = FIX_URL,
                .docs = "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
        },

        /* ---- Generic assignments ---------------------------------------------- */
        {
                .id = "generic-secret-assignment",
                .title = "Hard-coded password, secret, token or API key",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("pass", "secret", "token", "api_key", "api-key", "apikey",
                               "access_key", "access-key", "accesskey", "auth", "credential",
                               "private_key", "private-key"),
                /* assignments of 8+ characters only, not every "token": one
                 * alternative per form of the regex (ASSIGN), each ending
                 * inside the regex's match */
                .hs_regex = "(?i)(?:" HS_SECRET_WORD "[\"'`]?\\]?\\s{0,4}(?:=|:=|:|=>|\\|\\|=)\\s{0,4}[\"'`]?\\S{8}"
                            "|" HS_SECRET_WORD "[\"'`][ \\t]{0,4},[ \\t]{0,4}[\"'`]\\S{8}"
                            "|(?:\\|\\||\\?\\?|[)\\]][ \\t]+or[ \\t])\\s{0,4}[\"'`]\\S{8}"
                            "|" HS_SECRET_WORD "[\"']\\s{1,4}value\\s{0,4}=\\s{0,4}[\"'`]\\S{8}"
                            "|" HS_SECRET_WORD "[\"']?[ \\t]*\\r?\\n[ \\t]*(?:-[ \\t]*)?value[ \\t]*:"
                            "|^[ \\t]*(?:ENV|ARG)[ \\t]+[A-Za-z0-9_.-]{0,44}" HS_SECRET_WORD "[ \\t]+\\S"
                            "|^[ \\t]*#[ \\t]*define[ \\t]+[A-Za-z0-9_.-]{0,44}" HS_SECRET_WORD "[ \\t]+[\"'`]"
                            "|<[A-Za-z0-9_.-]{0,44}" HS_SECRET_WORD ">\\s{0,4}[^<>\\s\"']{8})",
                .regex = "(?|<" SECRET_NAME ">\\s{0,4}([^<>\\s\"']{8,200})\\s{0,4}</"
                         "|(?<![^\\n])[ \\t]*(?:ENV|ARG)[ \\t]+" SECRET_NAME "[ \\t]+" VALUE("8")
                         "|(?<![^\\n])[ \\t]*#[ \\t]*define[ \\t]+" SECRET_NAME "[ \\t]+" QVALUE
                         "|(?<![A-Za-z0-9_.-])(?i:key|name)\\s{0,4}=\\s{0,4}[\"']" SECRET_NAME
                         "[\"']\\s{1,4}(?i:value)\\s{0,4}=\\s{0,4}" QVALUE
                         "|\\([ \\t]{0,4}[\"'`]" SECRET_NAME "[\"'`][ \\t]{0,4},[ \\t]{0,4}" QVALUE
                         "|(?<![A-Za-z0-9_./-])(?<![A-Za-z0-9]:)(?<!\\.svg\\?)(?<![Pp]age )" SECRET_NAME
                         "(?|[\"'`]?\\]?\\s{0,4}(?:=|:=|:(?![:=])|=>|\\|\\|=)\\s{0,4}"
                         "(?|[^\\n;]{0,100}?(?:\\|\\||\\?\\?|[)\\]][ \\t]+or[ \\t])\\s{0,4}" QVALUE "|" VALUE("8") ")"
                         "|[\"']?[ \\t]*\\r?\\n[ \\t]*(?:-[ \\t]*)?value[ \\t]*:[ \\t]*" VALUE("8") "))",
                .secret_group = 1, .flags = HULL_SECRET_GENERIC, .span = 400, .min_len = 8, .min_entropy = 3.0,
                .validate = hull_secret_generic_ok,
                .fix = FIX_GENERIC,
                .docs = "https://cwe.mitre.org/data/definitions/798.html",
        },
        {
                .id = "authorization-header",
                .title = "Credentials in an Authorization header",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("authorization"),
                .regex = "(?i:authorization)[\"']?(?:\\s{0,4}[:=]\\s{0,4}|[ \\t]{1,4})[\"']?(?i:bearer|basic|token|ssws|apikey)\\s+"
                         "([A-Za-z0-9._~+/-]{16,2000}={0,2})(?![A-Za-z0-9._~+/=-])",
                .secret_group = 1, .flags = HULL_SECRET_GENERIC, .span = 2100, .min_len = 16, .min_entropy = 3.0,
                .validate = hull_secret_auth_header_ok,
                .fix = "Build the header at run time from a token held in a secret store",
                .docs = "https://www.rfc-editor.org/rfc/rfc6750#section-2.1",
        },
        {
                .id = "dotenv-secret",
                .title = "Secret in a .env file",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("pass", "secret", "token", "key", "auth", "credential"),
                .regex = "(?<![^\\n])[ \\t]*(?:export[ \\t]+)?[A-Za-z0-9_.]{0,60}?"
                         "(?i:pass(?:word|wd)?|secret|token|[_.]key|apikey|auth|credentials?)"
                         "[ \\t]*=[ \\t]*(?|\"([^\"\\s]{6,500})\"|'([^'\\s]{6,500})'|([^\\s\"']{6,500}))",
                .secret_group = 1, .span = 700, .min_len = 6, .min_entropy = 2.5,
                .path = "(?:^|/)(?:\\.env(?:\\.[A-Za-z0-9_-]+)?|[^/]+\\.env)$",
                .validate = hull_secret_assigned_ok,
                .fix = "Keep .env files out of images (.dockerignore) and inject the values at run time",
                .docs = "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file",
        },
        {
                .id = "shell-history-secret",
                .title = "Password or token on a command line in a shell history",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("pass", "token", "secret", "api-key", "api_key", "mysql", "sshpass", " -u ",
                               "login"),
                .regex = "(?:\\b(?:docker|podman|buildah|nerdctl|skopeo|oras|helm[ \\t]+registry)[ \\t]+login\\b"
                         "[^\\n]{0,200}?[ \\t]-p[ \\t]+"
                         "|--(?:password|passwd|pass|token|api-key|api_key|secret|auth-token)(?:=|[ \\t]+)"
                         "|(?<=[ \\t])-p(?=[^\\s-])|\\bsshpass[ \\t]+-p[ \\t]*|[ \\t]-u[ \\t]+[^\\s:]{1,64}:"
                         "|\\bexport[ \\t]+[A-Za-z0-9_]{0,40}(?i:password|passwd|secret|token|api_key|access_key)=)"
                         "[\"']?([^\\s\"']{6,200})",
                .secret_group = 1, .min_len = 6, .min_entropy = 2.5,
                .path = "(?:^|/)(?:\\.(?:bash|zsh|sh|ash|ksh|mysql|psql|python|node_repl|rediscli|sqlite)_history|\\.histfile|fish_history|\\.zhistory)$",
                .validate = hull_secret_assigned_ok,
                .fix = "Delete the history file in the same layer that created it (or never copy it) and rotate the credential",
                .docs = "https://www.gnu.org/software/bash/manual/html_node/Bash-History-Facilities.html",
        },

        /* ---- Credential files ------------------------------------------------ */
        {
                .id = "netrc-password",
                .title = "Password in .netrc",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("password"),
                .regex = "(?<![A-Za-z0-9_])(?<!anonymous[ \\t])password[ \\t]+([^\\s$]{4,512})",
                .secret_group = 1, .span = 600, .min_len = 4, .min_entropy = 2.0,
                .path = "(?:^|/)[._]netrc$",
                .validate = hull_secret_password_ok,
                .fix = "Remove the .netrc from the image (or its password line) and rotate the password",
                .docs = "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html",
        },
        {
                .id = "git-credentials",
                .title = "Password or token in git-credentials",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("://"),
                .regex = "https?://[^\\s:/@]{1,128}:(?!gh[pousr]_|github_pat_|glpat-)([^\\s@]{4,512})@[A-Za-z0-9._-]{1,253}",
                .secret_group = 1, .span = 900, .min_len = 4, .min_entropy = 2.0,
                .path = "(?:^|/)(?:\\.git-credentials|git/credentials)$",
                .validate = hull_secret_password_ok,
                .fix = "Remove the file from the image and use a credential helper or a build secret; rotate the token",
                .docs = "https://git-scm.com/docs/git-credential-store#_storage_format",
        },
        {
                .id = "aws-credentials-file",
                .title = "Secret key in an AWS shared credentials file",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("aws_secret_access_key"),
                .regex = "(?<![A-Za-z0-9_])aws_secret_access_key[ \\t]*=[ \\t]*"
                         "(?![A-Za-z0-9/+]{40}(?:\\s|$))([^\\s]{16,128})",
                .secret_group = 1, .min_len = 16, .min_entropy = 3.0,
                .path = "(?:^|/)\\.aws/(?:credentials|config)$",
                .allow = ALLOW("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
                .fix = "Remove the credentials file from the image and use an IAM role; deactivate the key",
                .docs = "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",
        },
        {
                .id = "kubeconfig-client-key",
                .title = "Client private key in a kubeconfig",
                .severity = HULL_SEV_CRITICAL,
                .keywords = KW("client-key-data"),
                .regex = "client-key-data:[ \\t]*[\"']?([A-Za-z0-9+/]{100,16000}={0,2})",
                .secret_group = 1, .span = 16200, .min_len = 100, .min_entropy = 4.5,
                .fix = "Remove the kubeconfig from the image, revoke the client certificate and use a service account",
                .docs = "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
        },
        {
                .id = "kubeconfig-token",
                .title = "Bearer token in a kubeconfig user",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("token:"),
                .regex = "(?<![^\\n])[ \\t-]*user:[ \\t]*\\r?\\n(?:[ \\t]+[A-Za-z-]{1,40}:[^\\n]{0,8000}\\n){0,12}?"
                         "[ \\t]+token:[ \\t]*[\"']?(?!eyJ|[a-z0-9]{6}\\.[a-z0-9]{16}(?![A-Za-z0-9]))([A-Za-z0-9._~+/=-]{20,8000})",
                .secret_group = 1, .flags = HULL_SECRET_MULTILINE, .span = 12000, .min_len = 20, .min_entropy = 3.5,
                .fix = "Remove the kubeconfig from the image, delete the token's secret and use a projected service account token",
                .docs = "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#putting-a-bearer-token-in-a-request",
        },
        {
                .id = "kubeconfig-password",
                .title = "Basic-auth password in a kubeconfig user",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("password:"),
                .regex = "(?<![^\\n])[ \\t-]*user:[ \\t]*\\r?\\n(?:[ \\t]+[A-Za-z-]{1,40}:[^\\n]{0,8000}\\n){0,12}?"
                         "[ \\t]+password:[ \\t]*[\"']?([^\\s\"']{4,512})",
                .secret_group = 1, .flags = HULL_SECRET_MULTILINE, .span = 8192, .min_len = 4, .min_entropy = 2.0,
                .validate = hull_secret_password_ok,
                .fix = "Remove the kubeconfig from the image, change the password and use certificate or token auth",
                .docs = "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
        },
        {
                .id = "kubeadm-token",
                .title = "Kubernetes bootstrap (kubeadm join) token",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("--token", "token:", "bootstrap"),
                .regex = "(?:--token[= \\t]+|(?<![A-Za-z])token:[ \\t]*[\"']?)([a-z0-9]{6}\\.[a-z0-9]{16})(?![A-Za-z0-9])",
                .secret_group = 1, .min_len = 23, .min_entropy = 3.0,
                .allow = ALLOW("abcdef.0123456789abcdef"),
                .fix = "Delete the token (kubeadm token delete) and create short-lived ones when joining nodes",
                .docs = "https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/",
        },
        {
                .id = "htpasswd-hash",
                .title = "Password hash in an htpasswd file",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("$apr1$", "$2y$", "$2a$", "$2b$", "{SHA}", "$5$", "$6$", "$1$"),
                .regex = "(?<![^\\n])[^:\\s#]{1,255}:(\\$apr1\\$[./0-9A-Za-z]{1,8}\\$[./0-9A-Za-z]{22}"
                         "|\\$2[aby]\\$[0-9]{2}\\$[./0-9A-Za-z]{53}|\\{SHA\\}[A-Za-z0-9+/]{27}="
                         "|\\$[156]\\$(?:rounds=[0-9]{1,9}\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{22,86})(?![^\\r\\n:])",
                .secret_group = 1, .span = 400, .min_len = 30, .min_entropy = 3.5,
                .path = "(?:^|/)(?:\\.htpasswd|htpasswd|[^/]+\\.htpasswd|\\.htpasswd[^/]*|htpasswd[^/]*|[^/]*\\.passwd)$",
                .fix = "Keep password files out of the image: mount them at run time from a secret",
                .docs = "https://httpd.apache.org/docs/2.4/misc/password_encryptions.html",
        },
        {
                .id = "pgpass-password",
                .title = "Password in a PostgreSQL .pgpass file",
                .severity = HULL_SEV_HIGH,
                .keywords = KW(":5432:", ":6432:", ":5433:", ":*:"),
                .regex = "(?<![^\\n])(?:[^:\\n\\\\]|\\\\.){1,255}:(?:[0-9]{1,5}|\\*):(?:[^:\\n\\\\]|\\\\.){1,255}:"
                         "(?:[^:\\n\\\\]|\\\\.){1,255}:((?:[^:\\n\\\\\\r]|\\\\.){4,255})",
                .secret_group = 1, .span = 1100, .min_len = 4, .min_entropy = 2.0,
                .path = "(?:^|/)(?:\\.pgpass|pgpass\\.conf)$",
                .validate = hull_secret_password_ok,
                .fix = "Remove the .pgpass from the image and pass the password from a secret at run time",
                .docs = "https://www.postgresql.org/docs/current/libpq-pgpass.html",
        },
        {
                .id = "mysql-config-password",
                .title = "Password in a MySQL option file",
                .severity = HULL_SEV_MEDIUM,
                .keywords = KW("password"),
                .regex = "(?<![^\\n])[ \\t]*password[ \\t]*=[ \\t]*(?|\"([^\"\\n]{4,255})\"|'([^'\\n]{4,255})'|([^\\s\"'#]{4,255}))",
                .secret_group = 1, .min_len = 4, .min_entropy = 2.0,
                .path = "(?:^|/)(?:\\.my\\.cnf|my\\.cnf|\\.mylogin\\.cnf|[^/]+\\.cnf)$",
                .validate = hull_secret_password_ok,
                .fix = "Remove the password from the option file and use a login path or a secret at run time",
                .docs = "https://dev.mysql.com/doc/refman/8.0/en/option-files.html",
        },
        {
                .id = "s3cfg-secret-key",
                .title = "Secret key in an s3cmd configuration",
                .severity = HULL_SEV_HIGH,
                .keywords = KW("secret_key"),
                .regex = "(?<![^\\n])[ \\t]*secret_key[ \\t]*=[ \\t]*([^\\s]{16,128})",
                .secret_group = 1, .min_len = 16, .min_entropy = 3.0,
                .path = "(?:^|/)\\.s3cfg$",
                .fix = "Remove the .s3cfg from the image and deactivate the key",
                .docs = "https://s3tools.org/kb/item14.htm",
        },
};
/* clang-format on */

const size_t hull_secret_nrules = sizeof(hull_secret_rules) / sizeof(hull_secret_rules[0]);

const struct hull_secret_rule *hull_secret_rule_find(const char *id) {
        if (!id)
                return NULL;
        for (size_t i = 0; i < hull_secret_nrules; i++)
                if (strcmp(hull_secret_rules[i].id, id) == 0)
                        return &hull_secret_rules[i];
        return NULL;
}
