using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Text;

namespace Dsl.Parser.Diagnostics;

/// <summary>
/// Collects diagnostics for one file, turning spans into line positions. Spans belong to the
/// current source: the file itself, or another file of the project whose block is being bound.
/// </summary>
public sealed class DiagnosticBag
{
    private readonly Stack<SourceText> _sources = new();
    private readonly List<Diagnostic> _items = new();
    private readonly HashSet<(string, string, int, string)> _seen = new();
    private readonly Stack<(TextSpan Span, SourceText Source)> _calls = new();

    public DiagnosticBag(SourceText source) => _sources.Push(source);

    private SourceText Source => _sources.Peek();

    public bool HasErrors => _items.Any(d => d.IsError);

    public IReadOnlyList<Diagnostic> Items => _items;

    /// <summary>The source now being bound.</summary>
    public SourceText CurrentSource => Source;

    public string CurrentPath => Source.Path;

    /// <summary>Reports at a span of another source than the current one (an annotation a call lends to a block of another file).</summary>
    public void Report(SourceText? source, DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        if (source == null || source == Source)
        {
            Report(descriptor, span, args);
            return;
        }
        _sources.Push(source);
        Report(descriptor, span, args);
        _sources.Pop();
    }

    public int LineOf(int offset) => Source.PositionOf(offset).Line;

    /// <summary>
    /// Entering a block through a call: what is reported inside the block says which call (its
    /// sizes come from the call's arguments), as Roslyn names the instantiation of a generic.
    /// A block declared in another file of the project brings that file's source.
    /// </summary>
    public void EnterCall(TextSpan call, SourceText? blockSource)
    {
        _calls.Push((call, Source));
        _sources.Push(blockSource ?? Source);
    }

    public void LeaveCall()
    {
        _calls.Pop();
        _sources.Pop();
    }

    /// <summary>Reports at the innermost call, in the caller's file: the call does not fit the block.</summary>
    public void ReportAtCall(DiagnosticDescriptor descriptor, params object[] args)
    {
        var call = _calls.Pop();
        var blockSource = _sources.Pop();
        Report(descriptor, call.Span, args);
        _sources.Push(blockSource);
        _calls.Push(call);
    }

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        var message = descriptor.Format(args);
        // A block instantiated several times would repeat the same message at the same place:
        // the first call that meets it is named.
        var source = Source;
        if (!_seen.Add((descriptor.Id, source.Path, span.Start, message))) return;
        var calls = _calls.Where(c => c.Source != source || !c.Span.Contains(span)).Select(c => Where(c.Span, c.Source, source)).ToList();
        if (calls.Count > 0) message += " (in the call at " + string.Join(", called at ", calls) + ")";
        _items.Add(new Diagnostic(
            descriptor.Id,
            descriptor.Severity,
            message,
            source.Path,
            span,
            source.PositionOf(span.Start),
            source.PositionOf(span.End)));
    }

    // (12,9), or Net.cmodel(12,9) when the call is in another file than the diagnostic.
    private static string Where(TextSpan span, SourceText callSource, SourceText reported)
    {
        var p = callSource.PositionOf(span.Start);
        return (callSource == reported ? "" : System.IO.Path.GetFileName(callSource.Path)) + $"({p.Line + 1},{p.Character + 1})";
    }
}
