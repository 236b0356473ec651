namespace Bpdp.UnitTests.Scanner;

/// <summary>
/// One line per built-in rule with a secret of that kind in it. The secrets are generated (random, of the
/// right shape) rather than written here, so no token-shaped string lives in the source.
/// </summary>
public static class PlantedSecrets
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Alnum = Upper + Lower + Digits;
    private const string Hex = "0123456789abcdef";
    private const string Base64 = Alnum + "+/";
    private const string UrlSafe = Alnum + "-_";

    private static string R(int length, string alphabet, int seed) =>
        new([.. Enumerable.Range(0, length).Select(i => alphabet[new Random(seed * 7919 + i).Next(alphabet.Length)])]);

    /// <summary>Rule id → (file path in the image, a line holding the secret, the secret).</summary>
    public static IReadOnlyDictionary<string, (string Path, string Line, string Secret)> ByRule { get; } = Build();

    private static Dictionary<string, (string, string, string)> Build()
    {
        var samples = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal);
        void Add(string rule, string path, string secret, Func<string, string> line) => samples[rule] = (path, line(secret), secret);
        var seed = 1;
        string S(int length, string alphabet) => R(length, alphabet, seed++);

        Add("aws-access-key-id", "etc/app/aws.env", "AKIA" + S(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), s => $"AWS_ACCESS_KEY_ID={s}");
        Add("aws-secret-access-key", "etc/app/credentials", S(40, Base64), s => $"aws_secret_access_key = {s}");
        Add("aws-session-token", "etc/app/session.env", S(120, Base64), s => $"AWS_SESSION_TOKEN={s}");
        Add("gcp-service-account-key", "etc/gcp/key.json", "\"type\": \"service_account\"", s => $"{{{s}, \"project_id\": \"osha-prod\"}}");
        Add("gcp-api-key", "etc/app/maps.conf", "AIza" + S(35, UrlSafe), s => $"maps.key: {s}");
        Add("gcp-oauth-client-secret", "etc/app/oauth.json", "GOCSPX-" + S(28, UrlSafe), s => $"\"client_secret\": \"{s}\"");
        Add("azure-storage-account-key", "etc/app/storage.conf", S(86, Base64) + "==", s => $"DefaultEndpointsProtocol=https;AccountName=osha;AccountKey={s};EndpointSuffix=core.windows.net");
        Add("azure-sas-token", "etc/app/blob.url", S(44, Alnum) + "%3D", s => $"https://osha.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig={s}");
        Add("azure-ad-client-secret", "etc/app/entra.env", S(3, Alnum) + "8Q~" + S(34, Alnum), s => $"ENTRA_CLIENT_CREDENTIAL={s}");
        Add("digitalocean-token", "etc/app/do.env", "dop_v1_" + S(64, Hex), s => $"DO_TOKEN={s}");
        Add("heroku-api-key", "etc/app/heroku.env", $"{S(8, Hex)}-{S(4, Hex)}-{S(4, Hex)}-{S(4, Hex)}-{S(12, Hex)}", s => $"HEROKU_API_KEY={s}");
        Add("hashicorp-vault-token", "etc/app/vault.env", "hvs." + S(95, UrlSafe), s => $"VAULT_TOKEN={s}");
        Add("terraform-cloud-token", "etc/app/terraformrc", S(14, Alnum) + ".atlasv1." + S(65, UrlSafe), s => $"token = \"{s}\"");
        Add("github-pat", "etc/app/git.env", "ghp_" + S(36, Alnum), s => $"GH_TOKEN={s}");
        Add("github-fine-grained-pat", "etc/app/gh.env", "github_pat_" + S(82, Alnum + "_"), s => $"GITHUB={s}");
        Add("github-oauth-token", "etc/app/gho.env", "gho_" + S(36, Alnum), s => $"OAUTH={s}");
        Add("github-app-token", "etc/app/ghs.env", "ghs_" + S(36, Alnum), s => $"APP={s}");
        Add("github-refresh-token", "etc/app/ghr.env", "ghr_" + S(76, Alnum), s => $"REFRESH={s}");
        Add("gitlab-pat", "etc/app/gitlab.env", "glpat-" + S(20, UrlSafe), s => $"GITLAB={s}");
        Add("gitlab-runner-token", "etc/gitlab-runner/config.toml", "glrt-" + S(20, UrlSafe), s => $"  token = \"{s}\"");
        Add("gitlab-pipeline-trigger-token", "etc/app/trigger.env", "glptt-" + S(40, Hex), s => $"TRIGGER={s}");
        Add("bitbucket-app-password", "etc/app/bitbucket.env", "ATBB" + S(32, Alnum), s => $"BB={s}");
        Add("npm-access-token", "root/.npmrc", "npm_" + S(36, Alnum), s => $"//registry.npmjs.org/:_authToken={s}");
        Add("pypi-upload-token", "root/.pypirc", "pypi-AgEIcHlwaS5vcmc" + S(60, UrlSafe), s => $"password = {s}");
        Add("nuget-api-key", "etc/app/nuget.env", "oy2" + S(43, Lower + Digits), s => $"NUGET={s}");
        Add("docker-hub-pat", "root/.docker/pat", "dckr_pat_" + S(27, UrlSafe), s => $"DOCKER={s}");
        Add("private-key", "etc/ssl/private/server.key", "-----BEGIN RSA PRIVATE KEY-----", s => s);
        Add("jwt", "etc/app/session.txt", $"eyJ{S(20, UrlSafe)}.eyJ{S(40, UrlSafe)}.{S(43, UrlSafe)}", s => $"cookie={s}");
        Add("basic-auth-header", "etc/app/headers.txt", S(24, Base64) + "==", s => $"Authorization: Basic {s}");
        Add("bearer-token-header", "etc/app/curl.sh", S(40, UrlSafe), s => $"curl -H 'Authorization: Bearer {s}' https://api.example.gov");
        Add("slack-bot-token", "etc/app/slack.env", $"xoxb-{S(12, Digits)}-{S(13, Digits)}-{S(24, Alnum)}", s => $"SLACK={s}");
        Add("slack-user-token", "etc/app/slack-user.env", $"xoxp-{S(12, Digits)}-{S(12, Digits)}-{S(13, Digits)}-{S(32, Alnum)}", s => $"SLACK_USER={s}");
        Add("slack-app-token", "etc/app/slack-app.env", $"xapp-1-A{S(10, Upper + Digits)}-{S(13, Digits)}-{S(64, Hex)}", s => $"SLACK_APP={s}");
        Add("slack-webhook-url", "etc/app/alerts.conf", $"https://hooks.slack.com/services/T{S(8, Upper + Digits)}/B{S(8, Upper + Digits)}/{S(24, Alnum)}", s => $"webhook: {s}");
        Add("stripe-secret-key", "etc/app/stripe.env", "sk_live_" + S(32, Alnum), s => $"STRIPE={s}");
        Add("stripe-webhook-secret", "etc/app/stripe-hook.env", "whsec_" + S(32, Alnum), s => $"HOOK={s}");
        Add("twilio-api-key", "etc/app/twilio-key.env", "SK" + S(32, Hex), s => $"TWILIO_KEY_SID={s}");
        Add("twilio-auth-token", "etc/app/twilio.env", S(32, Hex), s => $"TWILIO_AUTH_TOKEN={s}");
        Add("sendgrid-api-key", "etc/app/mail.env", $"SG.{S(22, UrlSafe)}.{S(43, UrlSafe)}", s => $"SENDGRID={s}");
        Add("mailgun-api-key", "etc/app/mailgun.env", "key-" + S(32, Hex), s => $"MAILGUN={s}");
        Add("shopify-token", "etc/app/shop.env", "shpat_" + S(32, Hex), s => $"SHOP={s}");
        Add("openai-api-key", "etc/app/ai.env", $"sk-proj-{S(24, Alnum)}T3BlbkFJ{S(24, Alnum)}", s => $"AI={s}");
        Add("anthropic-api-key", "etc/app/llm.env", $"sk-ant-api03-{S(93, UrlSafe)}", s => $"LLM={s}");
        Add("datadog-api-key", "etc/datadog/env", S(32, Hex), s => $"DD_API_KEY={s}");
        Add("password-in-url", "etc/app/database.url", S(18, Alnum), s => $"postgres://reports:{s}@db.internal.example:5432/osha");
        Add("connection-string-password", "etc/app/appsettings.conf", S(16, Alnum), s => $"Server=db;Database=osha;User Id=app;Password={s};");
        Add("generic-api-key", "etc/app/config.yaml", S(32, Alnum), s => $"webhookSigningSecret: {s}");
        return samples;
    }
}
