using System;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// How a Winograd layer comes down to <see cref="Keep"/> positions (null: it keeps all): in
/// equal steps at the start of each of the first <see cref="Epochs"/> epochs, all at once before
/// the first step when 0. Epoch e (from 0) keeps α³ − (α³ − K)·min(1, (e + 1)/Epochs).
/// </summary>
public sealed record PruningSchedule(long? Keep, long Epochs)
{
    public static PruningSchedule None { get; } = new(null, 0);

    public long KeptAt(int epoch, long positions)
    {
        if (Keep is not { } keep) return positions;
        var done = Epochs == 0 ? 1.0 : Math.Min(1.0, (epoch + 1.0) / Epochs);
        return positions - (long)Math.Floor((positions - keep) * done);
    }
}
