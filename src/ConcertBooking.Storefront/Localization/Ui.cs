using System.Globalization;

namespace ConcertBooking.Storefront.Localization;

/// <summary>Texts and formats in the language of the current request (set by the request localization).</summary>
public static class Ui
{
    public static CultureInfo Culture => CultureInfo.CurrentUICulture;

    public static string Lang => Formats.IsKorean(Culture) ? "ko" : "en";

    public static string T(string key) => UiText.For(Culture).TryGetValue(key, out var text) ? text : key;

    public static string T(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, T(key), args);

    public static string Krw(long amount) => Formats.Krw(amount, Culture);

    public static string When(DateTimeOffset instant) => Formats.When(instant, Culture);

    public static string Status(Domain.Concerts.ConcertStatus status) =>
        T("status." + System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString()));
}
