using System.Text.Json;
using System.Text.Json.Serialization;
using ConcertBooking.Api.DemoData;
using ConcertBooking.Api.Features.Admin;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Api.Features.Balance;
using ConcertBooking.Api.Features.Concerts;
using ConcertBooking.Api.Features.Health;
using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Api.Observability;
using ConcertBooking.Web;
using ConcertBooking.Api.Idempotency;
using ConcertBooking.DataPlatform;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Rankings;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;
using ConcertBooking.Api.Http;
using ConcertBooking.Api.Startup;
using ConcertBooking.Notifications.Endpoints;
using ConcertBooking.Storefront;
using ConcertBooking.OpsConsole;
using ConcertBooking.OpsConsole.Api;
using ConcertBooking.OpsConsole.Session;
using ConcertBooking.Infrastructure.Persistence;

namespace ConcertBooking.Api;

public static class ApiExtensions
{
    /// <summary>HTTP concerns and the booking use cases.</summary>
    public static IHostApplicationBuilder AddBookingApi(this IHostApplicationBuilder builder)
    {
        var roles = ProcessRoles.Of(builder);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<BookingOptions>()
            .Bind(builder.Configuration.GetSection(BookingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<IdempotencyOptions>()
            .Bind(builder.Configuration.GetSection(IdempotencyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-made problems (401, 403, unknown route) get the same slug-style types as ours.
            if (context.ProblemDetails.Type is null || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = ProblemTypes.For(context.ProblemDetails.Status switch
                {
                    StatusCodes.Status400BadRequest => "bad-request",
                    StatusCodes.Status401Unauthorized => "unauthorized",
                    StatusCodes.Status403Forbidden => "forbidden",
                    StatusCodes.Status404NotFound => "not-found",
                    StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
                    StatusCodes.Status409Conflict => "conflict",
                    StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
                    StatusCodes.Status429TooManyRequests => "too-many-requests",
                    _ => "error",
                });
            }
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddOpenApi(o => o.AddBearerScheme());
        services.AddBookingHealthChecks();
        services.AddBookingRateLimits(builder.Configuration);

        services.AddScoped<IdempotentRequests>();
        services.AddScoped<SignIn>();
        services.AddScoped<ConcertQueries>();
        services.AddScoped<CreateConcert>();
        services.AddScoped<UpdateConcert>();
        services.AddScoped<JoinQueue>();
        services.AddScoped<QueueQueries>();
        services.AddScoped<LeaveQueue>();
        services.AddScoped<AdmitFans>();
        services.AddOptions<QueueOptions>()
            .Bind(builder.Configuration.GetSection(QueueOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<HoldSeat>();
        services.AddSingleton<PayReservation>();
        services.AddScoped<CancelReservation>();
        services.AddScoped<ReservationQueries>();
        services.AddScoped<ExpireLapsedHolds>();
        services.AddScoped<BalanceQueries>();
        builder.AddStorefront();
        builder.AddOpsConsole<BookingDbContext>();

        if (roles.Has(ProcessRoles.Api))
        {
            services.AddHostedService<StartupBanner>();
            services.AddHostedService<DemoDataSeeder>();
            services.AddHostedService<HoldSweeper>();
            services.AddSingleton<IdempotencyPruner>();
            services.AddHostedService(sp => sp.GetRequiredService<IdempotencyPruner>());
            services.AddHostedService<QueueAdmitter>();
        }

        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        // Strict: "12" is not a number and 0 is not an enum value; such requests are 400s, not guesses.
        json.NumberHandling = JsonNumberHandling.Strict;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
    }

    public static WebApplication UseBookingApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseKnownCharsetsOnly();
        app.UseOpsSession();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOpsReadOnly();
        app.UseConsoleActionAudit();
        app.UseRateLimiter();

        app.MapHealth();
        app.MapObservability();
        app.MapKafkaAdmin();
        app.MapDeadLetters();
        app.MapMessages();
        app.MapAudit();
        if (!app.Services.GetRequiredService<ProcessRoles>().Has(ProcessRoles.Api))
        {
            // A worker process (relay or consumers only) still answers health and operator queries.
            return app;
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapAuth();
        app.MapConcerts();
        app.MapReservations();
        app.MapQueue();
        app.MapBalance();
        app.MapNotificationEndpoints();
        app.MapRankingEndpoints();
        app.MapDataPlatformEndpoints();
        app.MapStorefront();
        app.MapOpsConsole();
        return app;
    }
}
