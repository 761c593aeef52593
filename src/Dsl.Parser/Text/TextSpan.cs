using System;

namespace Dsl.Parser.Text;

/// <summary>A range of characters in a source file: offset and length.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    public bool Contains(TextSpan other) => other.Start >= Start && other.End <= End;

    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));
}

/// <summary>A zero-based line and character position, as Roslyn's LinePosition.</summary>
public readonly record struct LinePosition(int Line, int Character);
