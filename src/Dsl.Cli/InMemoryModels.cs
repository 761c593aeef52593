using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Dsl.Emitter;
using Dsl.Parser;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static TorchSharp.torch;

namespace Dsl.Cli;

/// <summary>
/// Generates a .cmodel file's classes as the build would, compiles them with Roslyn in memory
/// and loads them, so `cmodel train` needs no project.
/// </summary>
internal static class InMemoryModels
{
    /// <summary>Where a file without a <c>namespace</c> puts its classes.</summary>
    private const string Namespace = "CModel.Cli.Models";

    /// <summary>The compiled assembly, or null after writing the file's diagnostics.</summary>
    public static Assembly? Compile(string path, string text, IReadOnlyList<(string Path, string Text)> libraries, TextWriter errors)
    {
        var result = CModelCompiler.Compile(path, text, project: libraries);
        foreach (var d in result.Diagnostics) errors.WriteLine(d);
        if (result.HasErrors) return null;
        var sources = CSharpEmitter.EmitFile(result, result.Syntax.Namespace?.Name ?? Namespace);
        var compilation = CSharpCompilation.Create(
            "CModel.Cli.Models." + Path.GetFileNameWithoutExtension(path),
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, new CSharpParseOptions(LanguageVersion.Latest), path: s.ClassName + ".g.cs")),
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            // The generator's contract is code that compiles; reaching here is a CModel bug.
            foreach (var d in emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) errors.WriteLine(d);
            return null;
        }
        return Assembly.Load(image.ToArray());
    }

    public static Type? FindModel(Assembly assembly, string name) => assembly.GetTypes().FirstOrDefault(t => t.Name == name && t.GetField("Macs") != null);

    public static IEnumerable<string> ModelNames(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.GetField("Macs") != null).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);

    public static nn.Module<Tensor, Tensor> Create(Type type)
    {
        var ctor = type.GetConstructors().Single();
        return (nn.Module<Tensor, Tensor>)ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
    }

    public static long[] Shape(Type type, string property) =>
        type.GetProperty(property, BindingFlags.Public | BindingFlags.Static)!.GetGetMethod()!.CreateDelegate<ShapeGetter>()().ToArray();

    private delegate ReadOnlySpan<long> ShapeGetter();

    private static IEnumerable<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Concat(new[] { typeof(TorchSharp.torch).Assembly.Location, typeof(Runtime.Layers).Assembly.Location })
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
    }
}
