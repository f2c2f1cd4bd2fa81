using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Concerts;

public enum ConcertStatus
{
    Scheduled,
    OnSale,
    SoldOut,
}

public sealed record SectionSpec(string Name, int Rows, int SeatsPerRow, long Price);

public sealed class Concert : Entity
{
    public const int MaxSeats = 100_000;

    /// <summary>How far ahead a concert may be put on sale: tours are announced months ahead, not decades.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(3 * 365);

    /// <summary>How far in the past "booking opens now" may lie when it arrives: the admin's clock and ours differ a
    /// little, and the request takes a moment.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(1);

    private Concert()
    {
        Name = null!;
        Venue = null!;
    }

    private Concert(string name, string venue, DateTimeOffset startsAt, DateTimeOffset bookingOpensAt, DateTimeOffset now)
    {
        Name = name;
        Venue = venue;
        StartsAt = startsAt;
        BookingOpensAt = bookingOpensAt;
        CreatedAt = now;
    }

    public string Name { get; private set; }

    public string Venue { get; private set; }

    public DateTimeOffset StartsAt { get; private set; }

    /// <summary>The seed's bookingStartTime: holds before it are refused.</summary>
    public DateTimeOffset BookingOpensAt { get; private set; }

    public int TotalSeats { get; private set; }

    /// <summary>Incremented in the database by each payment; the payment that makes it equal
    /// <see cref="TotalSeats"/> marks the concert sold out.</summary>
    public int SoldSeats { get; private set; }

    public DateTimeOffset? SoldOutAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Status is derived rather than stored, so it can never disagree with the clock or the sold-out mark.</summary>
    public ConcertStatus StatusAt(DateTimeOffset now) =>
        SoldOutAt is not null ? ConcertStatus.SoldOut
        : now < BookingOpensAt ? ConcertStatus.Scheduled
        : ConcertStatus.OnSale;

    public void EnsureOpenForBooking(long seatId, DateTimeOffset now)
    {
        switch (StatusAt(now))
        {
            case ConcertStatus.Scheduled:
                throw BookingErrors.BookingNotOpen(Id, BookingOpensAt);
            case ConcertStatus.SoldOut:
                throw BookingErrors.SeatUnavailable(seatId);
        }
    }

    public void MarkSoldOutIfFull(DateTimeOffset now)
    {
        if (SoldOutAt is null && SoldSeats >= TotalSeats)
        {
            SoldOutAt = now;
            Raise(new ConcertSoldOutDomainEvent(this, now));
        }
    }

    /// <summary>Creates a concert with its seats. Rows are lettered across sections (A, B, … Z, AA, …) so every
    /// seat label such as <c>A-12</c> is unique within the concert.</summary>
    public static (Concert Concert, List<Seat> Seats) Create(
        string name,
        string venue,
        DateTimeOffset startsAt,
        DateTimeOffset bookingOpensAt,
        IReadOnlyList<SectionSpec> sections,
        DateTimeOffset now)
    {
        Validate(name, venue, sections);
        ValidateSchedule(startsAt, bookingOpensAt, now);

        var concert = new Concert(name.Trim(), venue.Trim(), startsAt, bookingOpensAt, now);
        var seats = new List<Seat>(sections.Sum(s => s.Rows * s.SeatsPerRow));
        var rowIndex = 0;
        foreach (var section in sections)
        {
            for (var row = 0; row < section.Rows; row++, rowIndex++)
            {
                var rowName = RowName(rowIndex);
                for (var number = 1; number <= section.SeatsPerRow; number++)
                {
                    seats.Add(new Seat(concert, $"{rowName}-{number}", section.Name.Trim(), section.Price));
                }
            }
        }

        concert.TotalSeats = seats.Count;
        return (concert, seats);
    }

    /// <summary>Booking opens now or later (a concert created already on sale for a year would sell seats that
    /// no one could have booked), the concert starts after booking opens, and both lie within <see cref="Horizon"/>.</summary>
    private static void ValidateSchedule(DateTimeOffset startsAt, DateTimeOffset bookingOpensAt, DateTimeOffset now)
    {
        if (bookingOpensAt < now - ClockTolerance)
        {
            throw BookingErrors.Validation("bookingOpensAt must not be in the past.");
        }

        if (startsAt <= bookingOpensAt)
        {
            throw BookingErrors.Validation("bookingOpensAt must be before startsAt.");
        }

        if (startsAt > now + Horizon)
        {
            throw BookingErrors.Validation($"startsAt must be within {Horizon.TotalDays / 365:0} years from now.");
        }
    }

    private static void Validate(string name, string venue, IReadOnlyList<SectionSpec> sections)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw BookingErrors.Validation("name is required (at most 200 characters).");
        }

        if (string.IsNullOrWhiteSpace(venue) || venue.Length > 200)
        {
            throw BookingErrors.Validation("venue is required (at most 200 characters).");
        }

        if (sections.Count == 0)
        {
            throw BookingErrors.Validation("At least one section is required.");
        }

        long total = 0;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections)
        {
            if (string.IsNullOrWhiteSpace(section.Name) || section.Name.Length > 50)
            {
                throw BookingErrors.Validation("Every section needs a name (at most 50 characters).");
            }

            if (!names.Add(section.Name.Trim()))
            {
                throw BookingErrors.Validation($"Section names must be unique: {section.Name.Trim()} appears twice.");
            }

            if (section.Rows is < 1 or > 1000 || section.SeatsPerRow is < 1 or > 1000)
            {
                throw BookingErrors.Validation($"Section {section.Name}: rows and seatsPerRow must be between 1 and 1000.");
            }

            if (section.Price is < 0 or > 100_000_000)
            {
                throw BookingErrors.Validation($"Section {section.Name}: price must be between 0 and 100,000,000 KRW.");
            }

            total += (long)section.Rows * section.SeatsPerRow;
        }

        if (total > MaxSeats)
        {
            throw BookingErrors.Validation($"A concert has at most {MaxSeats:N0} seats.");
        }
    }

    private static string RowName(int index)
    {
        var name = string.Empty;
        for (var i = index + 1; i > 0; i = (i - 1) / 26)
        {
            name = (char)('A' + ((i - 1) % 26)) + name;
        }

        return name;
    }
}

public sealed record ConcertSoldOutDomainEvent(Concert Concert, DateTimeOffset OccurredAt) : IDomainEvent;
