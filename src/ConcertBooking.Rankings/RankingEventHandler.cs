using System.Globalization;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Rankings;

/// <summary>
/// Keeps the rankings of the <c>ranking-service</c> group. Counters change by atomic increments in SQL rather than
/// read-modify-write, so several instances of the group (each on its own partitions, all hitting the same popular
/// concert) never lose an update; the base class keeps redeliveries out.
/// </summary>
public sealed partial class RankingEventHandler(
    WriteTransactions<RankingDbContext> transactions, [ServiceKey] string groupId, TimeProvider clock, ILogger<RankingEventHandler> logger)
    : IdempotentEventHandler<RankingDbContext>(transactions, groupId, clock)
{
    // Four parameters per row keeps a statement far below SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerStatement = 500;

    private const string Counts = RankingDbContext.BookingCountsTable;

    protected override async Task ApplyAsync(RankingDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var lifecycle = events.Select(e => e.Event).Where(e => e is ReservationCreated or ReservationCancelled or ReservationExpired or PaymentCompleted).ToList();
        var soldOut = events.Select(e => e.Event).OfType<ConcertSoldOut>().ToList();
        if (lifecycle.Count > 0)
        {
            await CountBookingsAsync(db, lifecycle, cancellationToken);
        }

        if (soldOut.Count > 0)
        {
            await RecordSoldOutAsync(db, soldOut, cancellationToken);
        }
    }

    /// <summary>Folds the batch into the reservation projection, then applies the resulting per-concert deltas. The
    /// projection makes the outcome independent of order: a payment counts (see <see cref="PaymentCrossCheck"/>)
    /// whenever what is known of its reservation allows it, and stops counting if a later event contradicts it.
    /// A cancelled or expired hold was still a reservation made, so it stays in the reservation count.</summary>
    private async Task CountBookingsAsync(RankingDbContext db, List<IntegrationEvent> lifecycle, CancellationToken cancellationToken)
    {
        var ids = lifecycle.Select(ReservationIdOf).Distinct().ToList();
        var reservations = await db.Reservations
            .Where(r => ids.Contains(r.ReservationId))
            .ToDictionaryAsync(r => r.ReservationId, cancellationToken);
        var deltas = new Dictionary<long, CountDelta>();

        ReservationProjection Reservation(long reservationId)
        {
            if (!reservations.TryGetValue(reservationId, out var reservation))
            {
                reservation = new ReservationProjection { ReservationId = reservationId };
                reservations.Add(reservationId, reservation);
                db.Reservations.Add(reservation);
            }

            return reservation;
        }

        CountDelta Delta(long concertId)
        {
            if (!deltas.TryGetValue(concertId, out var delta))
            {
                deltas[concertId] = delta = new CountDelta();
            }

            return delta;
        }

        foreach (var @event in lifecycle)
        {
            var reservation = Reservation(ReservationIdOf(@event));
            switch (@event)
            {
                case ReservationCreated e when reservation.ConcertId is null:
                    (reservation.ConcertId, reservation.HeldUserId, reservation.HeldAmount) = (e.ConcertId, e.UserId, e.Amount);
                    var delta = Delta(e.ConcertId);
                    delta.ConcertName = e.ConcertName;
                    delta.Reservations++;
                    break;
                case ReservationCancelled or ReservationExpired:
                    reservation.Ended = true;
                    break;
                case PaymentCompleted e when !reservation.Paid:
                    (reservation.Paid, reservation.PaidUserId, reservation.PaidAmount) = (true, e.UserId, e.Amount);
                    break;
                default:
                    // The same fact again (a reservation announced twice, a second payment): the first one stands.
                    continue;
            }

            var change = reservation.Recount();
            if (change != 0 && reservation.ConcertId is { } concertId)
            {
                Delta(concertId).Confirmed += change;
            }

            if (reservation.PaymentParkedBecause is { } reason && reservation.ConcertId is not null)
            {
                LogPaymentParked(reservation.ReservationId, reason);
            }
        }

        await UpsertCountsAsync(db, deltas.Where(d => d.Value.ConcertName is not null).ToList(), cancellationToken);
        await AddConfirmationsAsync(db, deltas.Where(d => d.Value.ConcertName is null && d.Value.Confirmed != 0).ToList(), cancellationToken);
    }

    private static long ReservationIdOf(IntegrationEvent @event) => @event switch
    {
        ReservationCreated e => e.ReservationId,
        ReservationCancelled e => e.ReservationId,
        ReservationExpired e => e.ReservationId,
        PaymentCompleted e => e.ReservationId,
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.EventType, "Not a reservation lifecycle event."),
    };

    /// <summary>Concerts with new reservations: the row may not exist yet, and the event gives its name.</summary>
    private async Task UpsertCountsAsync(RankingDbContext db, List<KeyValuePair<long, CountDelta>> deltas, CancellationToken cancellationToken)
    {
        foreach (var chunk in deltas.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder($"INSERT INTO \"{Counts}\" (\"ConcertId\", \"ConcertName\", \"Reservations\", \"Confirmed\") VALUES ");
            var parameters = new List<object>(chunk.Length * 4);
            foreach (var (concertId, delta) in chunk)
            {
                var p = parameters.Count;
                sql.Append(p == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}})");
                parameters.AddRange([concertId, delta.ConcertName!, delta.Reservations, delta.Confirmed]);
            }

            sql.Append(CultureInfo.InvariantCulture, $" ON CONFLICT (\"ConcertId\") DO UPDATE SET \"Reservations\" = \"{Counts}\".\"Reservations\" + excluded.\"Reservations\", \"Confirmed\" = \"{Counts}\".\"Confirmed\" + excluded.\"Confirmed\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    /// <summary>Concerts with only new confirmations: their reservations were counted earlier, so the row exists.</summary>
    private async Task AddConfirmationsAsync(RankingDbContext db, List<KeyValuePair<long, CountDelta>> deltas, CancellationToken cancellationToken)
    {
        foreach (var chunk in deltas.Chunk(RowsPerStatement))
        {
            var cases = new StringBuilder();
            var keys = new StringBuilder();
            var parameters = new List<object>(chunk.Length * 2);
            foreach (var (concertId, delta) in chunk)
            {
                var p = parameters.Count;
                cases.Append(CultureInfo.InvariantCulture, $" WHEN {{{p}}} THEN {{{p + 1}}}");
                keys.Append(p == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{{{p}}}");
                parameters.AddRange([concertId, delta.Confirmed]);
            }

            var sql = $"UPDATE \"{Counts}\" SET \"Confirmed\" = \"Confirmed\" + CASE \"ConcertId\"{cases} END WHERE \"ConcertId\" IN ({keys})";
            await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
    }

    private async Task RecordSoldOutAsync(RankingDbContext db, List<ConcertSoldOut> soldOut, CancellationToken cancellationToken)
    {
        var ids = soldOut.Select(e => e.ConcertId).Distinct().ToList();
        var recorded = (await db.SoldOutConcerts
            .Where(s => ids.Contains(s.ConcertId))
            .Select(s => s.ConcertId)
            .ToListAsync(cancellationToken)).ToHashSet();
        foreach (var e in soldOut)
        {
            // A concert sells out once; should it be announced again, the first announcement stands.
            if (!recorded.Add(e.ConcertId))
            {
                continue;
            }

            var seconds = (e.SoldOutTime - e.BookingStartTime).TotalSeconds;
            db.SoldOutConcerts.Add(new SoldOutConcert
            {
                ConcertId = e.ConcertId,
                ConcertName = e.ConcertName,
                BookingStartTime = e.BookingStartTime,
                SoldOutTime = e.SoldOutTime,
                SoldOutSeconds = seconds,
            });
            LogSoldOut(e.ConcertId, e.ConcertName, seconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment of reservation {ReservationId} is not counted: {Reason}")]
    private partial void LogPaymentParked(long reservationId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Concert {ConcertId} {ConcertName} sold out {SoldOutSeconds} s after booking opened")]
    private partial void LogSoldOut(long concertId, string concertName, double soldOutSeconds);

    private sealed class CountDelta
    {
        /// <summary>Known when the batch holds a RESERVATION_CREATED of the concert.</summary>
        public string? ConcertName { get; set; }

        public int Reservations { get; set; }

        public int Confirmed { get; set; }
    }
}
