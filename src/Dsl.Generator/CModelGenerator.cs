using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Dsl.Emitter;
using Dsl.Generator.Model;
using Dsl.Parser;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Dsl.Generator;

/// <summary>
/// Compiles every *.cmodel AdditionalFile: front-end diagnostics become compiler diagnostics
/// located in the .cmodel file; a file without errors gets one C# class per model and block.
/// Each file is compiled on its own, so editing one file recompiles only that file.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class CModelGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var ns = context.AnalyzerConfigOptionsProvider.Select((options, _) =>
            options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) && !string.IsNullOrWhiteSpace(value)
                ? value
                : "CModel.Models");

        var files = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".cmodel", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, ct) => new CModelFile(text.Path, text.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.Files);

        // Files that declare blocks can lend them to the project's other files; a file of models
        // alone lends nothing, so editing it leaves the others cached.
        var libraries = files
            .Where(static f => DeclaresBlocks.IsMatch(f.Text))
            .Collect()
            .Select(static (all, _) => new EquatableArray<CModelFile>(all.OrderBy(f => f.Path, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.Libraries);

        var compiled = files
            .Combine(ns)
            .Combine(libraries)
            .Select(static (input, _) => Compile(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Compiled);

        // Class names (and a hash of their code) of every file: a class declared in two files is
        // reported instead of emitting code that does not compile, and the same class from a
        // shared block, generated identically by two files, is emitted once.
        var classNames = compiled
            .Select(static (o, _) => (o.Path, new EquatableArray<(string, string)>(o.Sources.Select(s => (s.ClassName, ContentHash(s.Text))))))
            .Collect()
            .WithTrackingName(TrackingNames.ClassNames);

        context.RegisterSourceOutput(compiled.Combine(classNames), static (spc, input) => Output(spc, input.Left, input.Right));
    }

    private static readonly System.Text.RegularExpressions.Regex DeclaresBlocks = new(@"^\s*block\s", System.Text.RegularExpressions.RegexOptions.Multiline);

    internal static FileOutput Compile(CModelFile file, string ns, EquatableArray<CModelFile> libraries)
    {
        var result = CModelCompiler.Compile(file.Path, file.Text, project: libraries.Select(l => (l.Path, l.Text)));
        var diagnostics = result.Diagnostics
            .Select(d => new DiagnosticInfo(d.Id, d.Message, d.Path, d.Span, d.Start, d.End));
        var sources = CSharpEmitter.EmitFile(result, result.Syntax.Namespace?.Name ?? ns).Select(s => new GeneratedSource(s.ClassName, s.Text));
        return new FileOutput(file.Path, new EquatableArray<GeneratedSource>(sources), new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static void Output(SourceProductionContext context, FileOutput file, ImmutableArray<(string Path, EquatableArray<(string Name, string Hash)> Classes)> all)
    {
        foreach (var d in file.Diagnostics) context.ReportDiagnostic(ToRoslyn(d));
        var earlier = all.Where(f => string.CompareOrdinal(f.Path, file.Path) < 0).ToList();
        var stem = System.IO.Path.GetFileNameWithoutExtension(file.Path);
        var sources = file.Sources.Select(s => (Source: s, Hash: ContentHash(s.Text))).ToList();
        // A class an earlier file generates differently: this file's classes would call the
        // other one, so none of them is generated, and each clash is reported.
        var clashes = sources
            .Where(s => !earlier.Any(f => f.Classes.Contains((s.Source.ClassName, s.Hash))))
            .Select(s => (s.Source.ClassName, Other: earlier.FirstOrDefault(f => f.Classes.Any(c => c.Name == s.Source.ClassName)).Path))
            .Where(c => c.Other != null)
            .ToList();
        foreach (var (name, other) in clashes)
        {
            var d = Parser.Diagnostics.DiagnosticDescriptors.DuplicateClass;
            context.ReportDiagnostic(Diagnostic.Create(Descriptor(d.Id), Location.Create(file.Path, default, default), d.Format(name, other)));
        }
        if (clashes.Count > 0) return;
        foreach (var (source, hash) in sources)
        {
            if (earlier.Any(f => f.Classes.Contains((source.ClassName, hash)))) continue;
            context.AddSource($"{stem}.{source.ClassName}.{Hash(file.Path)}.g.cs", SourceText.From(source.Text, Encoding.UTF8));
        }
    }

    private static string ContentHash(string text)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
    }

    private static string Hash(string path)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(path));
        return string.Concat(bytes.Take(4).Select(b => b.ToString("x2")));
    }

    // The ids, titles and messages live in Dsl.Parser (the language's and each method's own),
    // one list of them; Roslyn's descriptor carries the title, the message comes formatted.
    // AnalyzerReleases.*.md track them, checked by a test as Roslyn's release tracking would.
#pragma warning disable RS1017, RS2008
    private static readonly ConcurrentDictionary<string, DiagnosticDescriptor> Descriptors = new();

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors.GetOrAdd(id, _ =>
    {
        var d = Parser.Diagnostics.DiagnosticDescriptors.Find(id)!;
        return new(d.Id, d.Title, "{0}", "CModel", d.Severity == Parser.Diagnostics.Severity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            isEnabledByDefault: true, helpLinkUri: null);
    });
#pragma warning restore RS1017, RS2008

    private static Diagnostic ToRoslyn(DiagnosticInfo d)
    {
        var descriptor = Descriptor(d.Id);
        var location = Location.Create(d.Path, new TextSpan(d.Span.Start, d.Span.Length),
            new LinePositionSpan(new Microsoft.CodeAnalysis.Text.LinePosition(d.Start.Line, d.Start.Character),
                new Microsoft.CodeAnalysis.Text.LinePosition(d.End.Line, d.End.Character)));
        return Diagnostic.Create(descriptor, location, d.Message);
    }
}
