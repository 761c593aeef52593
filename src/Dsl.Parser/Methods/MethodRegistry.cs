using System.Collections.Generic;
using Dsl.Parser.Annotations;

namespace Dsl.Parser.Methods;

/// <summary>
/// The compression methods this version knows: the one place a method is registered. Each
/// lives in its own folder here (schema, checks, costs, diagnostics) and in
/// Dsl.Runtime/Methods (layers, quantizers, losses); docs/adding-a-method.md walks through one.
/// </summary>
public static class MethodRegistry
{
    public static IReadOnlyList<AnnotationSchema> All { get; } = new AnnotationSchema[]
    {
        new TokensAnnotation(),
        new QuantAnnotation(),
        new BinarizeAnnotation(),
        new DistillAnnotation(),
        new PruneAnnotation(),
        new SparseAnnotation(),
        new MultiBitAnnotation(),
        new PtqAnnotation(),
        new WinogradAnnotation(),
        new DynamicAnnotation(),
    };

}
