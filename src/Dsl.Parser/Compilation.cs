using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Binding;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser;

/// <summary>A model after binding: the class to generate and its cost report.</summary>
public sealed record ModelResult(ClassModel Class, CostReport Cost);

/// <summary>Everything the front end knows about one .cmodel file.</summary>
public sealed record CompilationResult(
    string Path,
    FileSyntax Syntax,
    IReadOnlyList<ModelResult> Models,
    IReadOnlyList<ClassModel> Blocks,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>The front end's entry point: parse, bind, check and cost one file.</summary>
public static class CModelCompiler
{
    public static CompilationResult Compile(string path, string text, AnnotationCatalog? annotations = null)
    {
        var source = new SourceText(path, text);
        var diagnostics = new DiagnosticBag(source);
        var syntax = SyntaxParser.Parse(source, diagnostics);
        var binder = new FileBinder(path, syntax, diagnostics, annotations ?? AnnotationCatalog.Default);
        var (models, blocks) = binder.Bind();
        var dropped = diagnostics.HasErrors
            ? new HashSet<string>(DiagnosticDescriptors.All.Where(d => d.NeedsErrorFreeFile).Select(d => d.Id))
            : new HashSet<string>();
        var ordered = diagnostics.Items.Where(d => !dropped.Contains(d.Id))
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToList();
        return new CompilationResult(path, syntax, models.Select(m => new ModelResult(m.Class, m.Cost)).ToList(), blocks, ordered);
    }
}
