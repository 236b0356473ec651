using Microsoft.AspNetCore.StaticFiles;

namespace Bpdp.WebConsole.Api;

/// <summary>The pages, styles, scripts and the chart library, served from the console's assembly: nothing is fetched from elsewhere.</summary>
public static class UiAssets
{
    private static readonly FileExtensionContentTypeProvider Types = new();

    public static IResult Serve(string path)
    {
        var stream = typeof(UiAssets).Assembly.GetManifestResourceStream($"ui/{path}");
        if (stream is null || path.Contains("..", StringComparison.Ordinal))
        {
            stream?.Dispose();
            return Results.NotFound();
        }

        return Results.Stream(stream, Types.TryGetContentType(path, out var type) ? type : "application/octet-stream");
    }
}
