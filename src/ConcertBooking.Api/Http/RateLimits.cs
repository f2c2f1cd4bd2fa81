using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Http;

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class WindowLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; }
}

/// <summary>
/// Request rate limits. The defaults are far above what a person clicking ever sends (a fan holds a handful of
/// seats a minute) and far below what a flood of scripted requests sends; the ticket limit and the waiting room do
/// the fairness, these only keep one caller from taking the server's capacity.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary><c>POST /api/auth/token</c>, per client IP. Generous: mobile carriers and PC bangs put many fans
    /// behind one address.</summary>
    public WindowLimit TokensPerIp { get; set; } = new() { PermitLimit = 1_000, Window = TimeSpan.FromSeconds(10) };

    /// <summary><c>POST /api/reservations</c>, per user.</summary>
    public WindowLimit HoldsPerUser { get; set; } = new() { PermitLimit = 1_200, Window = TimeSpan.FromSeconds(10) };

    /// <summary><c>POST /api/reservations/{id}/payment</c>, per user.</summary>
    public WindowLimit PaymentsPerUser { get; set; } = new() { PermitLimit = 1_200, Window = TimeSpan.FromSeconds(10) };

    /// <summary><c>POST /api/concerts/{id}/queue</c>, per user.</summary>
    public WindowLimit QueueJoinsPerUser { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromSeconds(10) };
}

/// <summary>ASP.NET Core's rate limiter with the API's policies; a refusal is a 429 problem with Retry-After.</summary>
public static class RateLimits
{
    public const string Tokens = "tokens-per-ip";
    public const string Holds = "holds-per-user";
    public const string Payments = "payments-per-user";
    public const string QueueJoins = "queue-joins-per-user";

    public static IServiceCollection AddBookingRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Valid(o.TokensPerIp) && Valid(o.HoldsPerUser) && Valid(o.PaymentsPerUser) && Valid(o.QueueJoinsPerUser),
                "Every RateLimits entry needs PermitLimit 1..1,000,000 and a Window between 1 ms and 1 day.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(Tokens, http => Partition(limits.Enabled, limits.TokensPerIp, http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
            limiter.AddPolicy(Holds, http => Partition(limits.Enabled, limits.HoldsPerUser, http.User.FindFirst("sub")?.Value ?? "anonymous"));
            limiter.AddPolicy(Payments, http => Partition(limits.Enabled, limits.PaymentsPerUser, http.User.FindFirst("sub")?.Value ?? "anonymous"));
            limiter.AddPolicy(QueueJoins, http => Partition(limits.Enabled, limits.QueueJoinsPerUser, http.User.FindFirst("sub")?.Value ?? "anonymous"));
        });
        return services;
    }

    private static bool Valid(WindowLimit limit) =>
        limit.PermitLimit is >= 1 and <= 1_000_000 && limit.Window >= TimeSpan.FromMilliseconds(1) && limit.Window <= TimeSpan.FromDays(1);

    private static RateLimitPartition<string> Partition(bool enabled, WindowLimit limit, string key) =>
        enabled
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(key);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.For("too-many-requests"),
                Title = "Too many requests",
                Detail = $"Too many requests from this caller; retry after {seconds} s.",
            },
        });
    }
}
