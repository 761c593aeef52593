namespace Dsl.Parser.Methods;

/// <summary>A @winograd annotation's settings: F(tile, 3), the mode, the rank of U = P·Q, the positions kept (null: all) and the epochs pruning takes.</summary>
public sealed record WinogradSettings(long Tile, string Mode, long Rank, long? Keep, long PruneEpochs)
{
    public long Alpha => Tile + 2;

    public long Positions => Alpha * Alpha * Alpha;

    public long Kept => Keep ?? Positions;

    public bool LowRank => Mode == "lowrank";
}
