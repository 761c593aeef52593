using System.Collections.Generic;

namespace Dsl.Parser.Text;

/// <summary>The text of one .cmodel file with its path and a line index.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        // Lines end at \n, \r\n or a lone \r (classic Mac files), as Roslyn counts them.
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n'))) starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
    }

    public string Path { get; }
    public string Text { get; }

    public LinePosition PositionOf(int offset)
    {
        if (offset < 0) offset = 0;
        if (offset > Text.Length) offset = Text.Length;
        var lo = 0;
        var hi = _lineStarts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return new LinePosition(lo, offset - _lineStarts[lo]);
    }
}
