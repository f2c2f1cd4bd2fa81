namespace ConcertBooking.Persistence;

/// <summary>
/// An interceptor of a context that also wants to hear of the group commits that context took part in. A group
/// commit ends the transaction on the shared connection itself, so EF's transaction interceptors of the enlisted
/// contexts never see that commit; <see cref="GroupWriter"/> tells the interceptors that implement this instead.
/// </summary>
public interface IGroupCommitListener
{
    void GroupCommitted();
}
