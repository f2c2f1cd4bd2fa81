using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using ConcertBooking.Storefront.Catalog;
using ConcertBooking.Storefront.Localization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.WebEncoders;

namespace ConcertBooking.Storefront;

/// <summary>The fans' web app: server-rendered pages at <c>/</c>, their scripts under <c>/app/assets</c> and the
/// few page-shaped reads under <c>/app</c>; everything a fan does goes through the public API.</summary>
public static class StorefrontExtensions
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("ko")];

    /// <summary>Changes whenever the assembly does, so assets can be cached for a year.</summary>
    public static readonly string AssetVersion = typeof(StorefrontExtensions).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    public static IHostApplicationBuilder AddStorefront(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages();

        // Korean text as UTF-8 rather than &#xAC00; entities: a third of the bytes.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddOutputCache();
        services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["text/html", "text/css", "text/javascript", "application/json"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            o.FallBackToParentCultures = o.FallBackToParentUICultures = true;
        });
        services.AddOptions<StorefrontOptions>().BindConfiguration("Auth");
        services.AddScoped<CatalogQueries>();
        return builder;
    }

    public static WebApplication MapStorefront(this WebApplication app)
    {
        // Only the pages get a language and compression: API answers stay byte-for-byte what clients expect.
        app.UseWhen(IsPageRequest, pages => pages.UseRequestLocalization().UseResponseCompression());
        app.UseOutputCache();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/app/assets",
            FileProvider = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "assets"),
            OnPrepareResponse = asset => asset.Context.Response.Headers.CacheControl =
                asset.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache",
        });

        app.MapRazorPages().AllowAnonymous();
        app.MapStorefrontEndpoints();
        return app;
    }

    private static bool IsPageRequest(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api")
        && !context.Request.Path.StartsWithSegments("/health")
        && !context.Request.Path.StartsWithSegments("/openapi")
        && !context.Request.Path.StartsWithSegments("/scalar");

    internal static void NoStatusCodePage(this HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } feature)
        {
            feature.Enabled = false;
        }
    }

    internal static string CultureCookieValue(CultureInfo culture) =>
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));

    internal static readonly string CultureCookie = CookieRequestCultureProvider.DefaultCookieName;
}

/// <summary>What the sign-in page needs to know of the API's authentication settings (section <c>Auth</c>).</summary>
public sealed class StorefrontOptions
{
    public bool DevTokens { get; set; } = true;

    public string? Authority { get; set; }

    /// <summary>Demo sign-in allowed outside Development on purpose: every page then says so.</summary>
    public bool AllowInsecureDevTokens { get; set; }
}
