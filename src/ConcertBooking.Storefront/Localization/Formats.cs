using System.Globalization;

namespace ConcertBooking.Storefront.Localization;

/// <summary>Prices and dates the way Korean ticketing sites write them, in either language.</summary>
public static class Formats
{
    /// <summary>Every venue is in Korea, which has kept UTC+9 without daylight saving since 1988; a fixed offset
    /// needs no time zone database on the server.</summary>
    public static readonly TimeSpan ConcertOffset = TimeSpan.FromHours(9);

    private static readonly string[] KoreanDays = ["일", "월", "화", "수", "목", "금", "토"];

    public static bool IsKorean(CultureInfo culture) => culture.TwoLetterISOLanguageName == "ko";

    /// <summary><c>45,000원</c> in Korean, <c>₩45,000</c> in English.</summary>
    public static string Krw(long amount, CultureInfo culture) =>
        IsKorean(culture)
            ? amount.ToString("N0", CultureInfo.InvariantCulture) + "원"
            : "₩" + amount.ToString("N0", CultureInfo.InvariantCulture);

    public static string PriceRange(long min, long max, CultureInfo culture) =>
        min == max ? Krw(min, culture) : $"{Krw(min, culture)} – {Krw(max, culture)}";

    /// <summary><c>2027년 5월 20일 (목) 18:00</c> or <c>Thu, 20 May 2027, 18:00 KST</c>.</summary>
    public static string When(DateTimeOffset instant, CultureInfo culture)
    {
        var local = instant.ToOffset(ConcertOffset);
        return IsKorean(culture)
            ? $"{local.Year}년 {local.Month}월 {local.Day}일 ({KoreanDays[(int)local.DayOfWeek]}) {local:HH:mm}"
            : local.ToString("ddd, d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " KST";
    }

    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
