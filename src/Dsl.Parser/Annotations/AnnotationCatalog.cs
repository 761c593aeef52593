using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Methods;

namespace Dsl.Parser.Annotations;

/// <summary>The annotation kinds a compilation knows.</summary>
public sealed class AnnotationCatalog
{
    /// <summary>The built-in annotation that removes inherited kinds from a layer or block call.</summary>
    public const string Exempt = "exempt";

    private readonly List<AnnotationSchema> _ordered;
    private readonly Dictionary<string, AnnotationSchema> _kinds;

    private AnnotationCatalog(IEnumerable<AnnotationSchema> kinds)
    {
        _ordered = kinds.ToList();
        _kinds = _ordered.ToDictionary(k => k.Name);
        // In registration order: the order of cmodel cost's columns and JSON keys.
        Metrics = _ordered.SelectMany(k => k.Metrics).Distinct().ToList();
    }

    public static AnnotationCatalog Default { get; } = new(MethodRegistry.All);

    public AnnotationCatalog With(AnnotationSchema schema) => new(_ordered.Where(k => k.Name != schema.Name).Concat(new[] { schema }));

    /// <summary>The cost metrics of its kinds, once each.</summary>
    public IReadOnlyList<Costs.CostMetric> Metrics { get; }

    public AnnotationSchema? Find(string name) => _kinds.TryGetValue(name, out var schema) ? schema : null;

    public IEnumerable<string> AllNames => _kinds.Keys.Concat(new[] { Exempt });
}
