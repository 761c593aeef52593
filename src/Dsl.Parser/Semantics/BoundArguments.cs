using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Text;

namespace Dsl.Parser.Semantics;

/// <summary>An argument after checking: its value, where it was written, and whether it was.</summary>
public sealed record BoundArgument(ParamSpec Spec, Value? Value, TextSpan Span, bool Explicit);

/// <summary>The checked arguments of one call, by parameter name, in declaration order.</summary>
public sealed class BoundArguments
{
    private readonly Dictionary<string, BoundArgument> _byName;

    public BoundArguments(IReadOnlyList<BoundArgument> ordered, TextSpan callSpan)
    {
        Ordered = ordered;
        CallSpan = callSpan;
        _byName = ordered.ToDictionary(a => a.Spec.Name);
    }

    public IReadOnlyList<BoundArgument> Ordered { get; }

    public TextSpan CallSpan { get; }

    public BoundArgument this[string name] => _byName[name];

    public bool IsExplicit(string name) => _byName[name].Explicit;

    public ScalarValue? Scalar(string name) => _byName[name].Value as ScalarValue;

    public string Word(string name) => ((WordValue)_byName[name].Value!).Word;

    /// <summary>An <see cref="ArgKind.Ints"/> argument expanded to <paramref name="count"/> entries.</summary>
    public IReadOnlyList<ScalarValue> Ints(string name, int count) => _byName[name].Value switch
    {
        ScalarValue s => Enumerable.Repeat(s, count).ToList(),
        ListValue l => l.Items.Cast<ScalarValue>().ToList(),
        _ => new List<ScalarValue>(),
    };

    /// <summary>An <see cref="ArgKind.Floats"/> argument's numbers.</summary>
    public IReadOnlyList<double> Floats(string name) => ((ListValue)_byName[name].Value!).Items.Cast<ScalarValue>().Select(s => s.Concrete).ToList();

    public TextSpan SpanOf(string name) => _byName[name].Explicit ? _byName[name].Span : CallSpan;
}
