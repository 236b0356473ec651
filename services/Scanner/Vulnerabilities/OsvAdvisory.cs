using Bpdp.Contracts;
using NuGet.Versioning;

namespace Bpdp.Scanner.Vulnerabilities;

/// <summary>One OSV advisory, reduced to what matching needs: the affected NuGet packages and versions.</summary>
public sealed record OsvAdvisory(string Id, IReadOnlyList<string> Aliases, string Summary, Severity Severity, IReadOnlyList<OsvAffected> Affected);

/// <summary>An affected package: explicit versions, and ranges as their sorted events.</summary>
public sealed record OsvAffected(string Package, IReadOnlyList<NuGetVersion> Versions, IReadOnlyList<IReadOnlyList<OsvEvent>> Ranges)
{
    /// <summary>OSV's rule: walk the range's events in version order; introduced opens, fixed closes (exclusive), last_affected closes after itself.</summary>
    public bool Includes(NuGetVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Versions.Contains(version))
        {
            return true;
        }

        foreach (var events in Ranges)
        {
            var affected = false;
            foreach (var point in events)
            {
                var at = point.Version is null ? 1 : version.CompareTo(point.Version);
                switch (point.Kind)
                {
                    case OsvEventKind.Introduced when at >= 0:
                        affected = true;
                        break;
                    case OsvEventKind.Fixed when at >= 0:
                        affected = false;
                        break;
                    case OsvEventKind.LastAffected when at > 0:
                        affected = false;
                        break;
                }
            }

            if (affected)
            {
                return true;
            }
        }

        return false;
    }
}

public enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
}

/// <summary>A range event; a null version is OSV's <c>"0"</c>, before every version.</summary>
public sealed record OsvEvent(OsvEventKind Kind, NuGetVersion? Version);
