using System.CommandLine;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp verify REF</c>: an auditor's check of one released image, from the image store and public keys alone —
/// exactly the checks the Rollout runs before it deploys (<see cref="ReleaseVerifier"/>), one line each. The image must
/// have been approved as the agency and policy its repository names (<c>[prefix/]agency/policy</c>) and, when REF names
/// a tag, as the version the tag names; <c>--environment</c> and <c>--deployment</c> pin those too. Exit codes as
/// <see cref="LedgerAction"/>: 0 every check passed, 1 one failed, 2 a usage error or a store that does not answer.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("image")
        {
            Description = "A registry reference (host[:port]/[prefix/]agency/policy:tag or @sha256:…), or with --workdir the release repository in its store (agency/policy:tag or @sha256:…).",
        };
        var workdir = new Option<DirectoryInfo?>("--workdir") { Description = "A `bpdp demo --workdir` folder: its image store (images/) and public keys (keys/*.pub.pem) unless keys are given." };
        var releaseKeys = new Option<FileInfo[]>("--release-key") { Description = "The Publisher's release public key (PEM); repeat while a key is rotated." };
        var approvalKeys = new Option<string[]>("--approval-key") { Description = "ID=FILE: the approval system's public key (PEM) under the key id approvals name; repeat for several." };
        var scannerKeys = new Option<string[]>("--scanner-key") { Description = "ID=FILE: the Scanner's public key (PEM) under the key id verdicts name; repeat for several." };
        var environment = new Option<string?>("--environment") { Description = "The environment the image must have been approved for (default: any, as the approval names it)." };
        var deployment = new Option<Guid?>("--deployment") { Description = "The deployment the image must have been approved as (default: the one the approval names)." };
        var plainHttp = new Option<bool>("--plain-http") { Description = "Talk to the registry over HTTP rather than HTTPS (a local registry)." };
        var verify = new Command("verify",
            "Check a released image as the Rollout does before it deploys: release signature, provenance, approval, policy hash, scan verdict; exit 0 verified, 1 not, 2 error.")
        {
            reference, workdir, releaseKeys, approvalKeys, scannerKeys, environment, deployment, plainHttp,
        };
        verify.Action = new LedgerAction("verify", async (result, cancel) =>
        {
            try
            {
                return await Run(result, result.GetRequiredValue(reference), result.GetValue(workdir), result.GetValue(releaseKeys) ?? [], result.GetValue(approvalKeys) ?? [],
                    result.GetValue(scannerKeys) ?? [], result.GetValue(environment), result.GetValue(deployment), result.GetValue(plainHttp), cancel);
            }
            catch (Exception error) when (error is InvalidOperationException or ArgumentException or ImageNotFoundException or InvalidDataException or RegistryException
                or HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // Not a verdict on the image: a key that does not load, a reference that names nothing, a registry that does not answer.
                throw new LedgerUsageException(error.Message);
            }
        });
        return verify;
    }

    private static async Task<int> Run(ParseResult result, string text, DirectoryInfo? workdir, FileInfo[] releaseFiles, string[] approvalEntries, string[] scannerEntries,
        string? environment, Guid? deployment, bool plainHttp, CancellationToken cancel)
    {
        var (store, repository, tagOrDigest) = Open(text, workdir, plainHttp);
        var keys = workdir is null ? null : Path.Combine(workdir.FullName, "keys");
        using var release = ReleaseKeyRing.Load("--release-key", KeyFiles(releaseFiles.Select(f => $"{Path.GetFileName(f.FullName).Replace(".pub.pem", "", StringComparison.Ordinal)}={f.FullName}"),
            keys, $"{Pipeline.Embedded.EmbeddedPipeline.ReleaseKeyId}=release.pub.pem", "--release-key").ToDictionary(k => k.Key, k => new ReleaseKeyOptions { PublicKeyFile = k.Value }));
        using var approvals = ApprovalKeyRing.Load("--approval-key", KeyFiles(approvalEntries, keys, $"{Pipeline.Embedded.EmbeddedPipeline.ApproverKeyId}=approvals.pub.pem", "--approval-key")
            .ToDictionary(k => k.Key, k => new ApprovalKeyOptions { PublicKeyFile = k.Value, Agencies = [ApprovalKey.Any], Environments = [ApprovalKey.Any] }));
        using var scanners = ScannerKeyRing.Load("--scanner-key", KeyFiles(scannerEntries, keys, $"{Pipeline.Embedded.EmbeddedPipeline.ScannerKeyId}=scanner.pub.pem", "--scanner-key")
            .ToDictionary(k => k.Key, k => new ScannerKeyOptions { PublicKeyFile = k.Value }));

        var manifest = await store.GetManifest(repository, tagOrDigest, cancel);
        if (manifest.MediaType == OciMediaTypes.Index)
        {
            throw new LedgerUsageException($"{text} is an image index; a release is a single image manifest, so name it by its digest.");
        }

        var image = new ImageReference(store.Qualify(repository), manifest.Digest);
        var path = repository.Split('/');
        if (path.Length < 2)
        {
            throw new LedgerUsageException($"{repository} is not a release repository: releases are [prefix/]agency/policy.");
        }

        var byTag = !tagOrDigest.StartsWith("sha256:", StringComparison.Ordinal);
        var version = byTag ? tagOrDigest : JsonNode.Parse(manifest.Content)?["annotations"]?["org.opencontainers.image.version"]?.GetValue<string>() ?? "";
        var expected = new ReleaseExpectation(path[^2], path[^1], version, environment, deployment);
        await result.InvocationConfiguration.Error.WriteLineAsync($"bpdp verify: {text} is {image}; it must have been approved as {expected}");

        var clock = TimeProvider.System;
        var verifier = new ReleaseVerifier(store, new ReleaseSignatures(store, release), release,
            new ApprovalEvidence(approvals, clock, TimeSpan.MaxValue, "--approval-key"), new ScanVerdictEvidence(scanners, clock));
        var checks = await verifier.Verify(image, expected, stopAtFirstFailure: false, cancel);
        foreach (var check in checks)
        {
            await result.InvocationConfiguration.Output.WriteLineAsync($"{(check.IsVerified ? "ok  " : check.Skipped ? "skip" : "FAIL")} {check.Detail}");
        }

        return checks.All(c => c.IsVerified) ? LedgerAction.Valid : LedgerAction.Invalid;
    }

    /// <summary>The store and the repository and tag or digest in it that <paramref name="text"/> names.</summary>
    private static (IImageStore Store, string Repository, string TagOrDigest) Open(string text, DirectoryInfo? workdir, bool plainHttp)
    {
        if (workdir is not null)
        {
            var images = Path.Combine(workdir.FullName, "images");
            if (!Directory.Exists(images))
            {
                throw new LedgerUsageException($"{workdir.FullName} holds no image store (images/): is it a `bpdp demo --workdir` folder?");
            }

            var at = text.IndexOf('@', StringComparison.Ordinal);
            var colon = text.LastIndexOf(':');
            var (repository, tagOrDigest) = at > 0 ? (text[..at], text[(at + 1)..]) : colon > 0 ? (text[..colon], text[(colon + 1)..]) : (text, "latest");
            return (new OciLayoutImageStore(images), RepositoryName.Validate(repository), tagOrDigest);
        }

        if (!RegistryReference.TryParse(text, out var parsed))
        {
            throw new LedgerUsageException($"'{text}' is not a registry reference (host[:port]/agency/policy:tag or @sha256:…); for a demo's store, give --workdir.");
        }

        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"{(plainHttp ? "http" : "https")}://{parsed.Host}"), RetryLimit = 1 },
            NullLogger<RegistryImageStore>.Instance);
        return (store, parsed.Repository, parsed.TagOrDigest);
    }

    /// <summary>Key files by id from <c>ID=FILE</c> entries; with none given, the demo's own key in <paramref name="keys"/>, if there is one.</summary>
    private static Dictionary<string, string> KeyFiles(IEnumerable<string> entries, string? keys, string demoKey, string option)
    {
        var given = entries.ToList();
        if (given.Count == 0 && keys is not null)
        {
            given.Add(demoKey.Replace("=", "=" + keys + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        }

        if (given.Count == 0)
        {
            throw new LedgerUsageException($"give {option} (or --workdir, whose keys/ holds the demo's public keys).");
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in given)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == entry.Length - 1)
            {
                throw new LedgerUsageException($"{option} '{entry}' is not ID=FILE.");
            }

            if (!files.TryAdd(entry[..equals], Path.GetFullPath(entry[(equals + 1)..])))
            {
                throw new LedgerUsageException($"{option} names key id '{entry[..equals]}' twice.");
            }
        }

        return files;
    }
}
