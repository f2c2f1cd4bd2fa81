namespace ConcertBooking.OpsConsole;

/// <summary>Bound from the <c>Ops</c> configuration section.</summary>
public sealed class OpsOptions
{
    public const string SectionName = "Ops";

    /// <summary>The console shows everything and changes nothing: every action is hidden and its API answers 403.</summary>
    public bool ReadOnly { get; set; }
}
