using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Booking;

/// <summary>A fan signed in through the API for the run.</summary>
public sealed record BenchFan(long UserId, string Email, string AccessToken);

/// <summary>The API phase: C fans holding random seats of one concert through <c>POST /api/reservations</c>.</summary>
public sealed class BookingBenchmark(BookingSettings settings, Func<TimeSpan?> apiCpuTime, string? postgresDatabase)
{
    public Task<PhaseResult> RunAsync(
        HttpClient http, IReadOnlyList<BenchFan> fans, long concertId, IReadOnlyList<long> seatIds, CancellationToken cancellationToken)
    {
        var phase = new LoadPhase(settings.Clients, settings.Warmup, settings.Duration, FillLimit(settings.MaxFill, seatIds.Count), apiCpuTime, postgresDatabase);
        return phase.RunAsync(
            seatIds,
            (i, _) => Task.FromResult<IHoldClient>(new HttpHoldClient(http, fans[i].AccessToken, concertId)),
            dedicatedThreads: false,
            cancellationToken);
    }

    public static long FillLimit(double maxFill, int seats) => Math.Max(1, (long)Math.Floor(maxFill * seats));
}

/// <summary>
/// The raw phase: the same hold transaction straight through ADO.NET, with the same number of clients and the same
/// duration, on a separate fresh concert of the same database, while the API is stopped.
/// </summary>
public sealed class RawHoldBenchmark(BookingSettings settings, BenchDatabase database)
{
    /// <summary>The API's default Booking:HoldDuration; no hold lapses during a run either way.</summary>
    public static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(5);

    public async Task<PhaseResult> RunAsync(IReadOnlyList<RawFan> fans, long concertId, string concertName, CancellationToken cancellationToken)
    {
        var seatIds = await IntegrityCheck.SeatIdsAsync(database, concertId, cancellationToken);
        var phase = new LoadPhase(
            settings.Clients, settings.Warmup, settings.Duration, BookingBenchmark.FillLimit(settings.MaxFill, seatIds.Length),
            apiCpuTime: () => null, database.PostgresDatabaseName);
        return await phase.RunAsync(
            seatIds,
            (i, ct) => RawHoldClient.OpenAsync(database, fans[i], concertId, concertName, HoldDuration, ct),
            database.SynchronousDriver,
            cancellationToken);
    }
}
