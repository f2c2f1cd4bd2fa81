using System.Globalization;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Booking;

/// <summary>The figures of one <c>booking</c> run and the issue's targets, printed for people and as a Markdown row.</summary>
public sealed record BookingReport(
    BookingSettings Settings,
    MachineInfo Machine,
    string Database,
    PhaseResult Api,
    IntegrityReport? ApiIntegrity,
    int ApiSeats,
    PhaseResult? Raw,
    IntegrityReport? RawIntegrity,
    int RawSeats)
{
    public const double TargetRatio = 0.5;

    /// <summary>p99 at 64 clients: 50 ms on SQLite (an in-process library call), 100 ms on PostgreSQL (a server
    /// round trip per statement).</summary>
    public TimeSpan TargetP99 => TimeSpan.FromMilliseconds(Settings.Provider == BenchProvider.Sqlite ? 50 : 100);

    public double? Ratio => Raw is { Measured.HeldPerSecond: > 0 } raw ? Api.Measured.HeldPerSecond / raw.Measured.HeldPerSecond : null;

    public long? Oversold => ApiIntegrity?.Oversold;

    public void Print(TextWriter output)
    {
        var s = Settings;
        output.WriteLine();
        output.WriteLine(Invariant($"Results: {s.Provider.ToString().ToLowerInvariant()}, {s.Clients} clients, {s.Warmup.TotalSeconds:0.#} s warm-up + up to {s.Duration.TotalSeconds:0.#} s measured"));
        output.WriteLine($"  database  {Database}");
        output.WriteLine();
        output.WriteLine("API over HTTP (POST /api/reservations, random seat of one concert)");
        PrintPhase(output, Api, ApiSeats, "holds (201)", "conflicts (409)");
        PrintIntegrity(output, ApiIntegrity, "201s");

        output.WriteLine();
        if (Raw is null)
        {
            output.WriteLine(Settings.Raw
                ? "Raw database phase: skipped (no database access; give --connection with --url)"
                : "Raw database phase: skipped (--raw no)");
        }
        else
        {
            output.WriteLine("Raw database (ADO.NET: BEGIN, conditional UPDATE seat, INSERT reservation, INSERT outbox, COMMIT)");
            PrintPhase(output, Raw, RawSeats, "holds (commits)", "conflicts (0 rows)");
            PrintIntegrity(output, RawIntegrity, "commits");
            output.WriteLine();
            output.WriteLine(Invariant($"Ratio: API holds/s {Api.Measured.HeldPerSecond:0.0} / raw holds/s {Raw.Measured.HeldPerSecond:0.0} = {Ratio:0.00}"));
        }

        output.WriteLine();
        output.WriteLine("Targets (on this 2-core machine)");
        output.WriteLine(Invariant($"  ratio >= {TargetRatio:0.0}              {(Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-"),10}  {Verdict(Ratio >= TargetRatio, Ratio is null)}"));
        var p99Note = s.Clients == BookingSettings.TargetClients ? string.Empty : Invariant($"  (target is defined at {BookingSettings.TargetClients} clients; this run used {s.Clients})");
        output.WriteLine(Invariant($"  p99 <= {TargetP99.TotalMilliseconds:0} ms at {BookingSettings.TargetClients} clients {Ms(Api.Measured.P99),10}  {Verdict(Api.Measured.P99 <= TargetP99, unknown: false)}{p99Note}"));
        output.WriteLine(Invariant($"  oversold = 0               {(Oversold is { } o ? o.ToString(CultureInfo.InvariantCulture) : "-"),10}  {Verdict(Oversold == 0, Oversold is null)}"));

        output.WriteLine();
        output.WriteLine("Markdown row (docs/benchmarks.md):");
        output.WriteLine("| provider | clients | holds/s | requests/s | p50 ms | p95 ms | p99 ms | 409s | other errors | oversold | raw holds/s | ratio | load avg (start) |");
        var m = Api.Measured;
        output.WriteLine(Invariant(
            $"| {s.Provider.ToString().ToLowerInvariant()} | {s.Clients} | {m.HeldPerSecond:0} | {m.RequestsPerSecond:0} | {Ms(m.P50)} | {Ms(m.P95)} | {Ms(m.P99)} | {m.Conflicts} | {m.Errors} | {(Oversold is { } ov ? ov.ToString(CultureInfo.InvariantCulture) : "-")} | {(Raw is null ? "-" : Raw.Measured.HeldPerSecond.ToString("0", CultureInfo.InvariantCulture))} | {(Ratio is { } ra ? ra.ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {Machine.LoadAverage.Split(' ')[0]} |"));
    }

    private static void PrintPhase(TextWriter output, PhaseResult phase, int seats, string heldLabel, string conflictLabel)
    {
        var m = phase.Measured;
        output.WriteLine(Invariant($"  {heldLabel,-20}{m.Held,12:N0}  {m.HeldPerSecond,10:0.0}/s"));
        output.WriteLine(Invariant($"  {"requests",-20}{m.Requests,12:N0}  {m.RequestsPerSecond,10:0.0}/s   (measured over {m.Elapsed.TotalSeconds:0.0} s)"));
        output.WriteLine(Invariant($"  {conflictLabel,-20}{m.Conflicts,12:N0}"));
        output.WriteLine(Invariant($"  {"other errors",-20}{m.Errors,12:N0}{ErrorKinds(m)}"));
        output.WriteLine(Invariant($"  {"latency",-20}p50 {Ms(m.P50)} ms   p95 {Ms(m.P95)} ms   p99 {Ms(m.P99)} ms   max {Ms(m.Max)} ms"));
        var fill = seats == 0 ? 0 : 100.0 * phase.TotalHeld / seats;
        var stopped = phase.StoppedAtFillLimit ? "; stopped early at the fill limit (--max-fill)" : string.Empty;
        output.WriteLine(Invariant($"  {"seats held",-20}{phase.TotalHeld,12:N0}  of {seats:N0} ({fill:0.0}%, warm-up included){stopped}"));
        if (m.Requests == 0)
        {
            output.WriteLine("  WARNING             nothing was measured: the fill limit was reached during the warm-up; give more seats.");
        }

        output.WriteLine(Invariant($"  {"cpu",-20}{phase.Cpu}"));
        output.WriteLine(Invariant($"  {"load average after",-20}{phase.LoadAverageAfter}"));
    }

    private static void PrintIntegrity(TextWriter output, IntegrityReport? integrity, string successes)
    {
        if (integrity is null)
        {
            output.WriteLine($"  {"oversold",-20}not verified (no database access; give --connection with --url)");
            return;
        }

        output.WriteLine(Invariant(
            $"  {"oversold",-20}{integrity.Oversold,12:N0}  (seats with >1 active reservation: {integrity.SeatsWithSeveralActive}; {successes} {integrity.ReportedHolds:N0} vs active reservations in the database {integrity.ActiveReservations:N0})"));
        output.WriteLine(Invariant(
            $"  {"seat rows",-20}{integrity.SeatsTaken,12:N0}  Held/Sold {(integrity.SeatsAgree ? "= active reservations" : "DISAGREE with active reservations")}"));
    }

    private static string ErrorKinds(LatencySummary m) =>
        m.ErrorKinds.Count == 0
            ? string.Empty
            : "   (" + string.Join("; ", m.ErrorKinds.OrderByDescending(e => e.Value).Take(5).Select(e => Invariant($"{e.Value:N0}x {Truncate(e.Key)}"))) + ")";

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..117] + "...";

    private static string Verdict(bool? pass, bool unknown) => unknown ? "SKIPPED" : pass == true ? "PASS" : "MISS";

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
