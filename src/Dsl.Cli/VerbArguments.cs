using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Dsl.Cli;

/// <summary>
/// A verb's command line after the verb: one .cmodel file, <c>--name value</c> options from a
/// known set, <c>--flag</c> switches, and <c>--lib FILE</c> (repeatable, read at once).
/// </summary>
internal sealed class VerbArguments
{
    private VerbArguments(string file, Dictionary<string, string> options, HashSet<string> flags, List<(string Path, string Text)> libraries)
    {
        File = file;
        Options = options;
        Flags = flags;
        Libraries = libraries;
    }

    public string File { get; }

    public IReadOnlyDictionary<string, string> Options { get; }

    public IReadOnlySet<string> Flags { get; }

    public IReadOnlyList<(string Path, string Text)> Libraries { get; }

    public string? this[string option] => Options.GetValueOrDefault(option);

    /// <summary>The parsed line, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static VerbArguments? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags, out string error)
    {
        error = "";
        var values = new Dictionary<string, string>();
        var set = new HashSet<string>();
        var libraries = new List<(string Path, string Text)>();
        string? file = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && flags.Contains(a.Substring(2)))
            {
                set.Add(a.Substring(2));
                continue;
            }
            if (a == "--lib" && i + 1 < args.Count)
            {
                var library = args[++i];
                try
                {
                    libraries.Add((library, System.IO.File.ReadAllText(library)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error = $"cannot read {library}: {e.Message}";
                    return null;
                }
                continue;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var name = a.Substring(2);
                if (!options.Contains(name))
                {
                    error = $"unknown option {a}";
                    return null;
                }
                if (i + 1 >= args.Count)
                {
                    error = $"{a} needs a value";
                    return null;
                }
                values[name] = args[++i];
                continue;
            }
            if (file != null)
            {
                error = $"unexpected '{a}'";
                return null;
            }
            file = a;
        }
        if (file == null)
        {
            error = "give a .cmodel file";
            return null;
        }
        return new VerbArguments(file, values, set, libraries);
    }
}
