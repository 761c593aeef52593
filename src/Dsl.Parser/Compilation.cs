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
    /// <summary>
    /// Compiles one file. <paramref name="project"/> lists the project's other .cmodel files
    /// (path and text): their blocks can be called from this file, as in a Lib.cmodel.
    /// </summary>
    public static CompilationResult Compile(string path, string text, AnnotationCatalog? annotations = null,
        IEnumerable<(string Path, string Text)>? project = null)
    {
        var source = new SourceText(path, text);
        var diagnostics = new DiagnosticBag(source);
        var syntax = new FileSyntax(new DeclarationSyntax[0]);
        IReadOnlyList<(ClassModel Class, CostReport Cost)> models = new (ClassModel, CostReport)[0];
        IReadOnlyList<ClassModel> blocks = new ClassModel[0];
        try
        {
            syntax = SyntaxParser.Parse(source, diagnostics);
            var binder = new FileBinder(path, syntax, diagnostics, annotations ?? AnnotationCatalog.Default, LibraryBlocks(path, project));
            (models, blocks) = binder.Bind();
        }
        catch (System.Exception e) when (e is not System.OutOfMemoryException)
        {
            // The last line of defence: the generator runs in every build and every keystroke, so a
            // bug here is a located error, never a crashed build (CS8785). The fuzz tests keep it unseen.
            diagnostics.Report(DiagnosticDescriptors.InternalError, new TextSpan(0, 0), $"{e.GetType().Name}: {e.Message}");
            models = new (ClassModel, CostReport)[0];
            blocks = new ClassModel[0];
        }
        var dropped = diagnostics.HasErrors
            ? new HashSet<string>(DiagnosticDescriptors.All.Where(d => d.NeedsErrorFreeFile).Select(d => d.Id))
            : new HashSet<string>();
        var ordered = diagnostics.Items.Where(d => !dropped.Contains(d.Id))
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToList();
        return new CompilationResult(path, syntax, models.Select(m => new ModelResult(m.Class, m.Cost)).ToList(), blocks, ordered);
    }

    // Another file's syntax errors are its own compilation's to report.
    private static IEnumerable<(SourceText, DeclarationSyntax)> LibraryBlocks(string path, IEnumerable<(string Path, string Text)>? project) =>
        (project ?? Enumerable.Empty<(string, string)>())
            .Where(f => f.Path != path)
            .OrderBy(f => f.Path, System.StringComparer.Ordinal)
            .SelectMany(f =>
            {
                var other = new SourceText(f.Path, f.Text);
                return SyntaxParser.Parse(other, new DiagnosticBag(other)).Declarations
                    .Where(d => d.Kind == DeclarationKind.Block)
                    .Select(d => (other, d));
            });
}
