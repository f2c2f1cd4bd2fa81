using System.Globalization;
using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Drop;

public sealed record DropReport(
    MachineInfo Machine, BenchProvider Provider, int Fans, int Seats, DropTally Tally, DropFacts Facts, IntegrityReport Integrity,
    TimeSpan Elapsed, TimeSpan ApiCpu, double PeakMemoryMiB)
{
    public void Print(TextWriter output)
    {
        var status = Tally.StatusMs.ToArray();
        var holds = Tally.HoldMs.ToArray();
        output.WriteLine();
        output.WriteLine($"Results: {Provider}, {Fans:N0} fans, {Seats:N0} seats, {Machine.Cores} cores (load average now {MachineInfo.ReadLoadAverage()})");
        output.WriteLine($"  opening to sold out      {(Facts.OpeningToSoldOut is { } t ? $"{t.TotalSeconds:0.0} s" : "not sold out")}; fans done after {Elapsed.TotalSeconds:0.0} s");
        output.WriteLine($"  admitted                 {Facts.Admitted:N0} fans, {Facts.AdmissionsPerSecond:0.0}/s from opening to the last admission");
        output.WriteLine($"  status polls             {status.Length:N0}, p50 {P(status, 0.5)} ms, p99 {P(status, 0.99)} ms");
        output.WriteLine($"  holds                    {holds.Length:N0} tries ({Tally.Holds:N0} held), p50 {P(holds, 0.5)} ms, p99 {P(holds, 0.99)} ms");
        output.WriteLine($"  paid / cancelled         {Tally.Payments:N0} / {Tally.Cancels:N0}; confirmed seats {Facts.Confirmed:N0}; told CLOSED {Tally.Closed:N0}; gave up {Tally.GaveUp:N0}; errors {Tally.Errors:N0}");
        output.WriteLine($"  oversold                 {Integrity.Oversold} (seats with >1 active reservation {Integrity.SeatsWithSeveralActive})  {Verdict(Integrity.Oversold == 0)}");
        output.WriteLine($"  fans above the limit     {Facts.FansOverLimit}  {Verdict(Facts.FansOverLimit == 0)}");
        output.WriteLine($"  pre-queue draw           {Facts.PreQueueFans:N0} fans, rank correlation of join order and place {Facts.PreQueueRankCorrelation:+0.000;-0.000}  {Verdict(Math.Abs(Facts.PreQueueRankCorrelation) < FairDrawBound(Facts.PreQueueFans))}");
        output.WriteLine($"  after opening            {Facts.LateFans:N0} fans, {Facts.LateOutOfJoinOrder} placed out of join order, {Facts.AdmittedOutOfNumberOrder} admitted out of place order  {Verdict(Facts.LateOutOfJoinOrder == 0 && Facts.AdmittedOutOfNumberOrder == 0)}");
        output.WriteLine($"  API process              {ApiCpu.TotalSeconds:0.0} CPU-s from opening ({ApiCpu.TotalSeconds / Math.Max(0.001, Elapsed.TotalSeconds):0.00} cores), peak RSS {PeakMemoryMiB:0} MiB");
    }

    /// <summary>Under a fair draw the rank correlation has standard deviation 1/√(n−1); beyond four of them it is no
    /// longer chance.</summary>
    private static double FairDrawBound(long fans) => 4 / Math.Sqrt(Math.Max(1, fans - 1));

    private static string Verdict(bool pass) => pass ? "PASS" : "FAIL";

    private static string P(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return "-";
        }

        Array.Sort(values);
        return values[Math.Min(values.Length - 1, (int)Math.Ceiling(p * values.Length) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
    }
}
