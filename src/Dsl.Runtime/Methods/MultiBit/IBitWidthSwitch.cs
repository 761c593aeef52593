namespace Dsl.Runtime.MultiBit;

/// <summary>A part of a @multibit network that runs differently at each bit-width (its layers, its switchable BatchNorms).</summary>
public interface IBitWidthSwitch
{
    /// <summary>Runs at <paramref name="bits"/> from the next forward pass on.</summary>
    void Use(long bits);
}
