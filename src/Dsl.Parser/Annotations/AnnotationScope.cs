using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Annotations;

/// <summary>An annotation as written, checked; <see cref="Source"/> is the file it is written in (a call may lend it to another file's block).</summary>
public sealed record BoundAnnotation(string Kind, AnnotationSchema? Schema, BoundArguments? Args, IReadOnlyList<string> Exempted, TextSpan Span, SourceText? Source = null)
{
    /// <summary>Where it is written: the same annotation reached from several layers is one place.</summary>
    public (string?, int) Place => (Source?.Path, Span.Start);

    public bool IsExempt => Schema == null;

    public AppliedAnnotation ToApplied() => new(Kind, Args == null
        ? new List<KeyValuePair<string, Value>>()
        : Args.Ordered.Where(a => a.Value != null).Select(a => new KeyValuePair<string, Value>(a.Spec.Name, a.Value!)).ToList());
}

/// <summary>
/// The annotations in force at a point: inherited from headers and calls, the innermost of a
/// kind winning (a whole-model kind's layer setting only its <see cref="AnnotationSchema.LayerArguments"/>,
/// the header's others kept), and <c>@exempt</c> removing kinds.
/// </summary>
public sealed class AnnotationScope
{
    private readonly IReadOnlyDictionary<string, BoundAnnotation> _active;

    private AnnotationScope(IReadOnlyDictionary<string, BoundAnnotation> active) => _active = active;

    public static AnnotationScope Empty { get; } = new(new Dictionary<string, BoundAnnotation>());

    public AnnotationScope Overlay(IEnumerable<BoundAnnotation> annotations)
    {
        var next = new Dictionary<string, BoundAnnotation>(_active.ToDictionary(p => p.Key, p => p.Value));
        foreach (var a in annotations)
        {
            if (a.IsExempt)
            {
                if (a.Exempted.Count == 0) next.Clear();
                foreach (var kind in a.Exempted) next.Remove(kind);
            }
            else if (a.Schema!.LayerArguments.Count > 0 && next.TryGetValue(a.Kind, out var outer) && outer.Args != null && a.Args != null)
            {
                var inner = a.Args;
                next[a.Kind] = a with { Args = new BoundArguments(outer.Args.Ordered.Select(o => inner.IsExplicit(o.Spec.Name) ? inner[o.Spec.Name] : o).ToList(), inner.CallSpan) };
            }
            else
            {
                next[a.Kind] = a;
            }
        }
        return new AnnotationScope(next);
    }

    /// <summary>The annotation of a kind in force here, if any.</summary>
    public BoundAnnotation? Find(string kind) => _active.TryGetValue(kind, out var a) ? a : null;

    /// <summary>The annotations in force here, in kind order.</summary>
    public IReadOnlyList<BoundAnnotation> Active => _active.Values.OrderBy(a => a.Kind, System.StringComparer.Ordinal).ToList();

    /// <summary>The annotations that apply to a layer of this family, in kind order.</summary>
    public IReadOnlyList<BoundAnnotation> For(string family) =>
        _active.Values.Where(a => a.Schema!.Families.Contains(family)).OrderBy(a => a.Kind, System.StringComparer.Ordinal).ToList();
}
