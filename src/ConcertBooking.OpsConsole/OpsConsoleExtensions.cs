using System.Reflection;
using ConcertBooking.Messaging.Operations;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.OpsConsole.Api;
using ConcertBooking.OpsConsole.Session;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.OpsConsole;

/// <summary>The operators' console: pages under <c>/ops</c> (admins only), their assets under <c>/ops/assets</c>,
/// and the operator APIs under <c>/api/admin</c> that the pages and scripts use.</summary>
public static class OpsConsoleExtensions
{
    /// <summary>Changes whenever the assembly does, so assets can be cached for a year.</summary>
    public static readonly string AssetVersion = typeof(OpsConsoleExtensions).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    /// <summary>The console, reading the outbox of <typeparamref name="TOutboxContext"/>.</summary>
    public static IHostApplicationBuilder AddOpsConsole<TOutboxContext>(this IHostApplicationBuilder builder)
        where TOutboxContext : DbContext
    {
        var services = builder.Services;
        services.AddOptions<OpsOptions>().BindConfiguration(OpsOptions.SectionName);
        services.AddRazorPages(o => o.Conventions.AddFolderApplicationModelConvention("/Ops", page =>
        {
            if (page.ViewEnginePath != "/Ops/SignIn")
            {
                page.Filters.Add(new OperatorsOnly());
                page.Filters.Add(new KafkaUnavailablePage());
            }
        }));
        services.AddSingleton<OperatorKafkaClients>();
        services.AddSingleton<ClusterQueries>();
        services.AddSingleton<GroupQueries>();
        services.AddSingleton<GroupOffsetReset>();
        services.AddSingleton<IOutboxStatusQuery, OutboxStatusQuery<TOutboxContext>>();
        return builder;
    }

    /// <summary>Maps the operator APIs and the console's assets and session endpoints; the pages themselves are
    /// mapped with the web app's Razor Pages.</summary>
    public static WebApplication MapOpsConsole(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/ops/assets",
            FileProvider = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "assets"),
            OnPrepareResponse = asset => asset.Context.Response.Headers.CacheControl =
                asset.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache",
        });
        app.MapOpsSession();

        var reads = app.MapGroup("/api/admin").WithTags("Operations").RequireAuthorization(Caller.AdminPolicy);
        // Ops:ReadOnly refuses these (UseOpsReadOnly) with a 403 problem.
        var actions = app.MapGroup("/api/admin").WithTags("Operations").RequireAuthorization(Caller.AdminPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        reads.MapGet("/cluster", (ClusterQueries cluster, CancellationToken ct) => cluster.GetAsync(ct))
            .WithSummary("Brokers (up or down), topics with partitions, leaders, replicas, in-sync replicas, watermarks, message counts and retention.");
        reads.MapGet("/outbox", (IOutboxStatusQuery outbox, CancellationToken ct) => outbox.GetAsync(ct))
            .WithSummary("The outbox: backlog, age of the oldest unsent row, the relay's lease holder and the publish rate.");
        GroupEndpoints.MapGroupEndpoints(reads, actions);
        FaultLabEndpoints.MapFaultLabEndpoints(reads, actions);
        return app;
    }
}
