using System.Globalization;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
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
    RankingDbContext db, [ServiceKey] string groupId, TimeProvider clock, ILogger<RankingEventHandler> logger)
    : IdempotentEventHandler<RankingDbContext>(db, groupId, clock)
{
    // Four parameters per row keeps a statement far below SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerStatement = 500;

    private const string Counts = RankingDbContext.BookingCountsTable;

    protected override async Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var created = new List<ReservationCreated>();
        var payments = new List<PaymentCompleted>();
        var soldOut = new List<ConcertSoldOut>();
        foreach (var consumed in events)
        {
            switch (consumed.Event)
            {
                case ReservationCreated e:
                    created.Add(e);
                    break;
                case PaymentCompleted e:
                    payments.Add(e);
                    break;
                case ConcertSoldOut e:
                    soldOut.Add(e);
                    break;

                // A cancelled or expired hold was still a reservation made, and only a held reservation can end
                // that way, so neither count changes.
            }
        }

        if (created.Count > 0 || payments.Count > 0)
        {
            await CountBookingsAsync(created, payments, cancellationToken);
        }

        if (soldOut.Count > 0)
        {
            await RecordSoldOutAsync(soldOut, cancellationToken);
        }
    }

    /// <summary>Folds the batch into the reservation projection, then applies the resulting per-concert deltas. The
    /// projection makes the outcome independent of order: whichever of a reservation's two events comes second
    /// counts the confirmation.</summary>
    private async Task CountBookingsAsync(List<ReservationCreated> created, List<PaymentCompleted> payments, CancellationToken cancellationToken)
    {
        var ids = created.Select(e => e.ReservationId).Concat(payments.Select(e => e.ReservationId)).Distinct().ToList();
        var reservations = await Db.Reservations
            .Where(r => ids.Contains(r.ReservationId))
            .ToDictionaryAsync(r => r.ReservationId, cancellationToken);
        var deltas = new Dictionary<long, CountDelta>();

        ReservationProjection Reservation(long reservationId)
        {
            if (!reservations.TryGetValue(reservationId, out var reservation))
            {
                reservation = new ReservationProjection { ReservationId = reservationId };
                reservations.Add(reservationId, reservation);
                Db.Reservations.Add(reservation);
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

        foreach (var e in created)
        {
            var reservation = Reservation(e.ReservationId);
            if (reservation.ConcertId is not null)
            {
                // Counted already: the same reservation announced again under another event id.
                continue;
            }

            reservation.ConcertId = e.ConcertId;
            var delta = Delta(e.ConcertId);
            delta.ConcertName = e.ConcertName;
            delta.Reservations++;
            if (reservation.Paid)
            {
                LogEarlyPaymentCounted(e.ReservationId, e.ConcertId);
                delta.Confirmed++;
            }
        }

        foreach (var e in payments)
        {
            var reservation = Reservation(e.ReservationId);
            if (reservation.Paid)
            {
                continue;
            }

            reservation.Paid = true;
            if (reservation.ConcertId is { } concertId)
            {
                Delta(concertId).Confirmed++;
            }
        }

        await UpsertCountsAsync(deltas.Where(d => d.Value.ConcertName is not null).ToList(), cancellationToken);
        await AddConfirmationsAsync(deltas.Where(d => d.Value.ConcertName is null).ToList(), cancellationToken);
    }

    /// <summary>Concerts with new reservations: the row may not exist yet, and the event gives its name.</summary>
    private async Task UpsertCountsAsync(List<KeyValuePair<long, CountDelta>> deltas, CancellationToken cancellationToken)
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
            await Db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    /// <summary>Concerts with only new confirmations: their reservations were counted earlier, so the row exists.</summary>
    private async Task AddConfirmationsAsync(List<KeyValuePair<long, CountDelta>> deltas, CancellationToken cancellationToken)
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
            await Db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
    }

    private async Task RecordSoldOutAsync(List<ConcertSoldOut> soldOut, CancellationToken cancellationToken)
    {
        var ids = soldOut.Select(e => e.ConcertId).Distinct().ToList();
        var recorded = (await Db.SoldOutConcerts
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
            Db.SoldOutConcerts.Add(new SoldOutConcert
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reservation {ReservationId} was paid before its RESERVATION_CREATED arrived; confirmation counted for concert {ConcertId}")]
    private partial void LogEarlyPaymentCounted(long reservationId, long concertId);

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
