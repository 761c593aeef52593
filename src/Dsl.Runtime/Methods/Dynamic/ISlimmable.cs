namespace Dsl.Runtime.Dynamic;

/// <summary>A layer of a @dynamic supernet: it runs at its widths' current one, which <see cref="DynamicState.Use"/> sets for the whole network.</summary>
public interface ISlimmable
{
    DynamicWidths Widths { get; }
}
