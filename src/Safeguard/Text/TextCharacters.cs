// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Text;

/// <summary>Character classes shared by the keyword and URL pipelines.</summary>
public static class TextCharacters
{
    /// <summary>
    /// Unicode Default_Ignorable_Code_Point (Unicode 15.0, the list in specs/keywords.md C.2):
    /// zero-width space and joiners, soft hyphen, bidi controls, variation selectors, tag
    /// characters, Hangul fillers. These are deleted before matching.
    /// </summary>
    public static bool IsDefaultIgnorable(int cp) => cp switch
    {
        0x00AD or 0x034F or 0x061C or 0x3164 or 0xFEFF or 0xFFA0 => true,
        >= 0x115F and <= 0x1160 => true,
        >= 0x17B4 and <= 0x17B5 => true,
        >= 0x180B and <= 0x180F => true,
        >= 0x200B and <= 0x200F => true,
        >= 0x202A and <= 0x202E => true,
        >= 0x2060 and <= 0x206F => true,
        >= 0xFE00 and <= 0xFE0F => true,
        >= 0xFFF0 and <= 0xFFF8 => true,
        >= 0x1BCA0 and <= 0x1BCA3 => true,
        >= 0x1D173 and <= 0x1D17A => true,
        >= 0xE0000 and <= 0xE0FFF => true,
        _ => false,
    };

    /// <summary>C0 and C1 control characters (and DEL); the pipelines turn them into spaces.</summary>
    public static bool IsControl(int cp) => cp < 0x20 || cp is >= 0x7F and <= 0x9F;
}
