using System.Collections.Generic;
using System.Text;

namespace Dsl.Parser.Semantics;

/// <summary>How .cmodel names appear in generated C#.</summary>
public static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    public static string Escape(string name) => Keywords.Contains(name) ? "@" + name : name;

    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>snake_case to camelCase: the runtime's parameter names.</summary>
    public static string Camel(string snake)
    {
        var sb = new StringBuilder();
        var upper = false;
        foreach (var c in snake)
        {
            if (c == '_') { upper = sb.Length > 0; continue; }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return Escape(sb.ToString());
    }

    /// <summary>snake_case to PascalCase: the runtime's factory names.</summary>
    public static string Pascal(string snake)
    {
        var camel = Camel(snake).TrimStart('@');
        return char.ToUpperInvariant(camel[0]) + camel.Substring(1);
    }

    /// <summary>PascalCase to snake_case: default layer names of block calls.</summary>
    public static string Snake(string pascal)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])))) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
