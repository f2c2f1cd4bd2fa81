using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ConcertBooking.Persistence;

internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
