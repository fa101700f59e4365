/* xml.c - the only file that includes libxml2 (see xml.h). */
#include "topoc/xml.h"
#include "topoc/util.h"
#include "topoc/arena.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>

struct XmlOut {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
};

XmlOut *xml_new(bool declaration, bool indent)
{
    XmlOut *x = xmalloc(sizeof *x);
    x->buf = xmlBufferCreate();
    x->w = xmlNewTextWriterMemory(x->buf, 0);
    if (indent) {
        xmlTextWriterSetIndent(x->w, 1);
        xmlTextWriterSetIndentString(x->w, (const xmlChar *)"  ");
    }
    if (declaration)
        xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL);
    return x;
}

void xml_start(XmlOut *x, const char *element)
{
    xmlTextWriterStartElement(x->w, (const xmlChar *)element);
}

/* Text from a spec or a file name, as XML 1.0 can carry it. */
void xml_attr(XmlOut *x, const char *name, const char *value)
{
    char *fixed = utf8_sanitize(value, true);
    xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
                                (const xmlChar *)(fixed ? fixed : value));
    free(fixed);
}

void xml_attr_int(XmlOut *x, const char *name, long long value)
{
    xmlTextWriterWriteFormatAttribute(x->w, (const xmlChar *)name, "%lld",
                                      value);
}

void xml_text(XmlOut *x, const char *text)
{
    char *fixed = utf8_sanitize(text, true);
    xmlTextWriterWriteString(x->w, (const xmlChar *)(fixed ? fixed : text));
    free(fixed);
}

void xml_end(XmlOut *x) { xmlTextWriterEndElement(x->w); }

void xml_finish(XmlOut *x, Strbuf *out)
{
    xmlTextWriterEndDocument(x->w);
    xmlFreeTextWriter(x->w);
    sb_add(out, xmlBufferContent(x->buf), (size_t)xmlBufferLength(x->buf));
    xmlBufferFree(x->buf);
    free(x);
}
