using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConcertBooking.Web;
using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure.Idempotency;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Idempotency;

/// <summary>
/// Runs a state-changing use case at most once per (user, Idempotency-Key). The use case and the record of its
/// response commit in one transaction; a retry, or a concurrent twin, gets the stored response instead of a second
/// effect. Only successes are stored: a failed request changed nothing, so running it again is harmless. A record
/// older than the retention is forgotten: the key then starts a new request (see <see cref="IdempotencyPruner"/>).
/// The use case runs in a write transaction of <see cref="WriteTransactions{TContext}"/>, on the context it is given.
/// </summary>
public sealed class IdempotentRequests(
    BookingDbContext db, WriteTransactions<BookingDbContext> transactions, TimeProvider clock, IOptions<JsonOptions> json, IOptions<IdempotencyOptions> options)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public async Task<IResult> RunAsync<T>(
        HttpContext http,
        long userId,
        object request,
        int successStatus,
        Func<BookingDbContext, CancellationToken, Task<T>> useCase,
        Func<T, string>? location = null)
    {
        var cancellationToken = http.RequestAborted;
        var key = http.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(key))
        {
            var result = await transactions.RunAsync(useCase, cancellationToken);
            return Respond(http, successStatus, JsonSerializer.Serialize(result, json.Value.SerializerOptions), location?.Invoke(result));
        }

        if (key.Length > MaxKeyLength)
        {
            var errors = new Validation();
            errors.Add(HeaderName, $"{HeaderName} must be at most {MaxKeyLength} characters.");
            return errors.ToProblem();
        }

        var requestHash = Hash(http, request);
        var expired = false;
        if (await FindAsync(userId, key, cancellationToken) is { } earlier)
        {
            if (earlier.CreatedAt > clock.GetUtcNow() - options.Value.Retention)
            {
                return Replay(http, earlier, requestHash, location);
            }

            expired = true;
        }

        try
        {
            var (result, body) = await transactions.RunAsync(
                async (unit, ct) =>
                {
                    if (expired)
                    {
                        // Not yet pruned: it would collide with this request's record.
                        await unit.IdempotencyRecords.Where(r => r.UserId == userId && r.Key == key).ExecuteDeleteAsync(ct);
                    }

                    var result = await useCase(unit, ct);
                    var body = JsonSerializer.Serialize(result, json.Value.SerializerOptions);
                    unit.IdempotencyRecords.Add(new IdempotencyRecord
                    {
                        UserId = userId,
                        Key = key,
                        RequestHash = requestHash,
                        StatusCode = successStatus,
                        ResponseBody = body,
                        CreatedAt = clock.GetUtcNow(),
                    });
                    await unit.SaveChangesAsync(ct);
                    return (result, body);
                },
                cancellationToken);
            return Respond(http, successStatus, body, location?.Invoke(result));
        }
        catch (Exception ex) when (ex is BookingException or DbUpdateException)
        {
            // A concurrent request with the same key may have won the race and made this one fail (seat now held,
            // reservation now paid, duplicate record). If so, its response is this request's response.
            db.ChangeTracker.Clear();
            if (await FindAsync(userId, key, cancellationToken) is { } winner)
            {
                return Replay(http, winner, requestHash, location);
            }

            throw;
        }
    }

    private Task<IdempotencyRecord?> FindAsync(long userId, string key, CancellationToken cancellationToken) =>
        db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Key == key, cancellationToken);

    private IResult Replay<T>(HttpContext http, IdempotencyRecord record, string requestHash, Func<T, string>? location)
    {
        if (record.RequestHash != requestHash)
        {
            throw new BookingException(new BookingError(
                ErrorKind.Conflict,
                "idempotency-key-reused",
                "Idempotency key reused",
                $"The {HeaderName} was already used for a different request."));
        }

        http.Response.Headers[ReplayedHeaderName] = "true";
        var original = location is null ? null : location(JsonSerializer.Deserialize<T>(record.ResponseBody, json.Value.SerializerOptions)!);
        return Respond(http, record.StatusCode, record.ResponseBody, original);
    }

    private static IResult Respond(HttpContext http, int status, string body, string? location)
    {
        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }

        return Results.Content(body, "application/json", Encoding.UTF8, status);
    }

    private string Hash(HttpContext http, object request)
    {
        var canonical = $"{http.Request.Method} {http.Request.Path}\n{JsonSerializer.Serialize(request, json.Value.SerializerOptions)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
